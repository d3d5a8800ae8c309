use std::path::Path;

use super::*;
use crate::config::parse;

fn choice_of(text: &str) -> ColumnChoice {
    let (settings, problems) = parse(text, Path::new("config.toml"));
    assert!(problems.is_empty(), "{problems:?}\n{text}");
    settings.columns
}

fn pick(view: View, titles: &[&str]) -> Vec<usize> {
    titles.iter().map(|t| view.column(t).unwrap()).collect()
}

const COMMENTED: &str = r#"# my portolan settings
theme = "light"  # easier on a projector

[columns]
# the on-call set
accelerators = ["NAME", "STATUS"]  # short on purpose
listeners = ["LISTENER", "PORTS"]

[keymap]
quit = "Q"
# end of file
"#;

#[test]
fn a_choice_written_reads_back_the_same_and_comments_and_order_stay() {
    let mut choice = choice_of(COMMENTED);
    choice.choose(
        View::Accelerators,
        pick(View::Accelerators, &["ARN", "NAME", "ENABLED"]),
    );
    choice.choose(
        View::Browser,
        pick(View::Browser, &["PORT", "DESTINATION", "GROUP ARN"]),
    );
    choice.set_wide(View::Groups, true);
    let text = edit(COMMENTED, &choice).unwrap();
    assert_eq!(choice_of(&text), choice, "{text}");
    for comment in [
        "# my portolan settings",
        "# easier on a projector",
        "# the on-call set",
        "# short on purpose",
        "# end of file",
    ] {
        assert!(text.contains(comment), "{comment} lost:\n{text}");
    }
    assert!(
        text.contains(r#"accelerators = ["ARN", "NAME", "ENABLED"]  # short on purpose"#),
        "{text}"
    );
    // Nothing moved: the keys and tables keep their order, new keys go after the old ones.
    let at = |s: &str| text.find(s).unwrap_or_else(|| panic!("{s} in {text}"));
    assert!(at("theme") < at("[columns]"));
    assert!(at("# the on-call set") < at("accelerators ="));
    assert!(at("accelerators =") < at("listeners ="));
    assert!(at("listeners =") < at("browser ="));
    assert!(at("browser =") < at("wide ="));
    assert!(at("wide =") < at("[keymap]"));
    assert!(at("[keymap]") < at("# end of file"));
    // The untouched view is as the user wrote it.
    assert!(text.contains(r#"listeners = ["LISTENER", "PORTS"]"#));
}

#[test]
fn back_at_the_defaults_a_view_in_the_file_keeps_its_line_and_comment() {
    let mut choice = choice_of(COMMENTED);
    choice.choose(View::Accelerators, View::Accelerators.defaults());
    let text = edit(COMMENTED, &choice).unwrap();
    assert_eq!(choice_of(&text), choice);
    assert!(choice.custom(View::Accelerators).is_none());
    assert!(
        text.contains("# the on-call set\naccelerators = [\"NAME\""),
        "{text}"
    );
    // A view at its defaults that the file never named is not added.
    assert!(!text.contains("browser"), "{text}");
    assert!(!text.contains("wide"), "{text}");
}

#[test]
fn a_new_table_goes_after_the_comments_that_close_the_file() {
    let text = "theme = \"dark\"\n\n[keymap]\nquit = \"Q\"\n# quit stays Q\n";
    let mut choice = ColumnChoice::default();
    choice.set_wide(View::Browser, true);
    let out = edit(text, &choice).unwrap();
    assert!(
        out.starts_with("theme = \"dark\"\n\n[keymap]\nquit = \"Q\"\n# quit stays Q\n"),
        "{out}"
    );
    assert!(
        out.ends_with("\n[columns]\nwide = [\"browser\"]\n"),
        "{out}"
    );
    assert_eq!(choice_of(&out), choice);
    // An empty file, and the commented default file, take the table as well.
    assert_eq!(
        edit("", &choice).unwrap(),
        "[columns]\nwide = [\"browser\"]\n"
    );
    let default = crate::config::default_text();
    let out = edit(&default, &choice).unwrap();
    assert!(
        out.starts_with(&default),
        "every comment stays where it was"
    );
    assert_eq!(choice_of(&out), choice);
}

#[test]
fn a_file_that_is_not_toml_or_has_columns_of_another_kind_is_left_alone() {
    let choice = ColumnChoice::default();
    let e = edit("theme = \"dark\"\n[keymap\n", &choice).unwrap_err();
    assert!(e.contains("line 2"), "{e}");
    let e = edit("columns = 3\n", &choice).unwrap_err();
    assert!(e.contains("not a table"), "{e}");
    // An inline table is a table all the same.
    let mut choice = ColumnChoice::default();
    choice.set_wide(View::Listeners, true);
    let out = edit("columns = { listeners = [\"PORTS\"] }\n", &choice).unwrap();
    let read = choice_of(&out);
    assert!(read.is_wide(View::Listeners), "{out}");
}

#[test]
fn saving_makes_the_file_and_its_folder_and_failing_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("portolan").join("config.toml");
    let mut choice = ColumnChoice::default();
    choice.choose(
        View::Subnets,
        pick(View::Subnets, &["GROUP ARN", "SUBNET ENDPOINT"]),
    );
    save(&path, &choice).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    assert_eq!(choice_of(&text), choice);
    // A broken file is not overwritten.
    std::fs::write(&path, "[keymap\n").unwrap();
    assert!(save(&path, &choice).is_err());
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "[keymap\n");
    // A folder where the file should be: an error, not a panic.
    assert!(save(dir.path(), &choice).is_err());
}

#[cfg(unix)]
#[test]
fn a_symlinked_config_is_written_where_the_link_points() {
    let dir = tempfile::tempdir().unwrap();
    let real = dir.path().join("dotfiles.toml");
    std::fs::write(&real, "# mine\n").unwrap();
    let link = dir.path().join("config.toml");
    std::os::unix::fs::symlink(&real, &link).unwrap();
    let mut choice = ColumnChoice::default();
    choice.set_wide(View::Accelerators, true);
    save(&link, &choice).unwrap();
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    let text = std::fs::read_to_string(&real).unwrap();
    assert!(text.starts_with("# mine\n"), "{text}");
    assert!(choice_of(&text).is_wide(View::Accelerators));
}

#[test]
fn bad_view_and_column_names_are_problems_with_their_line_and_the_rest_applies() {
    let text = include_str!("../../tests/fixtures/config/invalid/columns.toml");
    let (settings, problems) = parse(text, Path::new("config.toml"));
    let said: Vec<String> = problems.iter().map(ToString::to_string).collect();
    let expect = [
        "config.toml:3: columns.accelerators: no column \"COLOUR\" in accelerators",
        "config.toml:4: columns.listners: no such view",
        "config.toml:5: columns.browser: \"port\" is listed twice",
        "config.toml:6: columns.groups: no column \"X\"",
        "config.toml:6: columns.groups: no column to show; the default columns are used",
        "config.toml:7: columns.subnets: expected a list of names",
        "config.toml:8: columns.wide: no view \"everything\"",
    ];
    assert_eq!(said.len(), expect.len(), "{said:#?}");
    for (said, expect) in said.iter().zip(expect) {
        assert!(said.starts_with(expect), "{said}\n  / {expect}");
    }
    let c = &settings.columns;
    // Good names around the bad ones still apply; any case will do.
    assert_eq!(
        c.chosen(View::Accelerators),
        pick(View::Accelerators, &["NAME", "ARN"])
    );
    assert_eq!(
        c.chosen(View::Browser),
        pick(View::Browser, &["PORT", "TRAFFIC"])
    );
    assert!(c.custom(View::Groups).is_none());
    assert!(c.custom(View::Subnets).is_none());
    assert_eq!(c.wide_views(), vec![View::Browser]);
    let (_, problems) = parse("\ncolumns = 1\n", Path::new("config.toml"));
    assert_eq!(problems.len(), 1);
    assert!(
        problems[0]
            .to_string()
            .starts_with("config.toml:2: columns: expected a [columns] table"),
        "{problems:?}"
    );
}

#[test]
fn the_default_file_shows_every_view_commented_and_reads_as_no_choice() {
    let text = crate::config::default_text();
    assert!(text.contains("\n# [columns]\n"), "{text}");
    for view in View::ALL {
        assert!(
            text.contains(&format!("\n# {} = [", view.name())),
            "{view:?}"
        );
    }
    assert!(text.contains(
        "# accelerators = [\"NAME\", \"STATUS\", \"ENABLED\", \"STATIC IPS\", \"DNS NAME\"]  # also: \"IP TYPE\", \"CREATED\", \"ARN\""
    ), "{text}");
    assert_eq!(choice_of(&text), ColumnChoice::default());
    // Uncommented, the table is the defaults exactly.
    let table: String = config_default()
        .lines()
        .filter(|l| l.starts_with("# [columns]") || l.contains(" = ["))
        .map(|l| {
            let l = l.trim_start_matches("# ");
            format!("{}\n", l.split("  # also").next().unwrap_or(l))
        })
        .collect();
    let (settings, problems) = parse(&table, Path::new("config.toml"));
    assert!(problems.is_empty(), "{problems:?}\n{table}");
    assert_eq!(settings.columns, ColumnChoice::default(), "{table}");
}
