//! The README's screenshots, taken from the real binary on the demo account in a
//! pseudo-terminal and drawn as SVG from the terminal's own cells (characters, colours, bold).
//! This test takes them again into a temporary folder and fails when they differ from the
//! ones in `assets/screenshots/`, so the README cannot show an old screen.
//! `scripts/screenshots.sh` (UPDATE_SCREENSHOTS=1) writes them into `assets/screenshots/`.

mod common;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use common::pty::Session;

const COLS: u16 = 110;
const ROWS: u16 = 30;
const CELL_W: f32 = 8.4;
const CELL_H: f32 = 17.0;
const FONT: f32 = 14.0;
const BACKGROUND: &str = "#1d1f21";
const FOREGROUND: &str = "#d0d0d0";

/// The xterm colours for the 16 ANSI indices, as most dark terminal themes keep them.
const PALETTE: [&str; 16] = [
    "#1d1f21", "#cc6666", "#8abe6a", "#e0c25f", "#5f8fd7", "#b294bb", "#6fc2c5", "#c5c8c6",
    "#707880", "#e06c75", "#a8d86e", "#f0d878", "#81a2be", "#c9a0dc", "#8be9fd", "#ffffff",
];

fn colour(c: vt100::Color, default: &str) -> String {
    match c {
        vt100::Color::Default => default.to_string(),
        vt100::Color::Idx(i) if i < 16 => PALETTE[usize::from(i)].to_string(),
        vt100::Color::Idx(i) => {
            // The 6×6×6 cube and the grey ramp of 256-colour terminals.
            if i >= 232 {
                let v = 8 + 10 * (i - 232);
                format!("#{v:02x}{v:02x}{v:02x}")
            } else {
                let i = i - 16;
                let level = |n: u8| if n == 0 { 0 } else { 55 + 40 * n };
                format!(
                    "#{:02x}{:02x}{:02x}",
                    level(i / 36),
                    level((i / 6) % 6),
                    level(i % 6)
                )
            }
        }
        vt100::Color::Rgb(r, g, b) => format!("#{r:02x}{g:02x}{b:02x}"),
    }
}

#[derive(Clone, PartialEq)]
struct Style {
    fg: String,
    bg: String,
    bold: bool,
    italic: bool,
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The moving parts: ages in the status bar ("refreshed 3s ago") depend on how long a capture
/// took and are drawn as "0s ago"; a create form's idempotency token is random and drawn as
/// x's. The rest of the line stays where it was.
fn redact(cells: &mut [(String, Style)]) {
    let text: Vec<String> = cells.iter().map(|(c, _)| c.clone()).collect();
    let line = text.concat();
    if let Some(at) = line.find("token ") {
        let start = line[..at].chars().count() + "token ".len();
        for (i, cell) in cells.iter_mut().skip(start).take(36).enumerate() {
            cell.0 = if matches!(i, 8 | 13 | 18 | 23) {
                "-"
            } else {
                "x"
            }
            .into();
        }
    }
    let mut i = 0;
    while i + 5 <= text.len() {
        if text[i..i + 5].concat() == "s ago" {
            let mut start = i;
            while start > 0
                && !text[start - 1].is_empty()
                && text[start - 1].chars().all(|c| c.is_ascii_digit())
            {
                start -= 1;
            }
            if start < i {
                for cell in &mut cells[start..i] {
                    cell.0 = " ".into();
                }
                cells[i - 1].0 = "0".into();
            }
        }
        i += 1;
    }
}

/// The terminal's screen as an SVG: one background rectangle per stretch of cells in the same
/// style, and its words each placed at their own column, so columns and box lines stay aligned
/// whatever the viewer's font.
fn svg(screen: &vt100::Screen, title: &str) -> String {
    let width = f32::from(COLS) * CELL_W + 20.0;
    let height = f32::from(ROWS) * CELL_H + 20.0;
    let mut out = String::new();
    writeln!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" aria-label="{}">"#,
        escape(title)
    )
    .unwrap();
    writeln!(
        out,
        r#"<rect width="100%" height="100%" rx="6" fill="{BACKGROUND}"/>"#
    )
    .unwrap();
    writeln!(
        out,
        r#"<g transform="translate(10 10)" font-family="'DejaVu Sans Mono','Menlo','Consolas',monospace" font-size="{FONT}">"#
    )
    .unwrap();
    for row in 0..ROWS {
        let mut cells: Vec<(String, Style)> = (0..COLS)
            .map(|col| {
                let cell = screen.cell(row, col).expect("in the screen");
                let (mut fg, mut bg) = (
                    colour(cell.fgcolor(), FOREGROUND),
                    colour(cell.bgcolor(), BACKGROUND),
                );
                if cell.inverse() {
                    std::mem::swap(&mut fg, &mut bg);
                }
                let text = if cell.is_wide_continuation() {
                    String::new()
                } else if cell.has_contents() {
                    cell.contents().to_string()
                } else {
                    " ".to_string()
                };
                (
                    text,
                    Style {
                        fg,
                        bg,
                        bold: cell.bold(),
                        italic: cell.italic(),
                    },
                )
            })
            .collect();
        redact(&mut cells);
        let y = f32::from(row) * CELL_H;
        let mut col = 0;
        while col < cells.len() {
            let style = cells[col].1.clone();
            let mut end = col;
            while end < cells.len() && cells[end].1 == style {
                end += 1;
            }
            let x = col as f32 * CELL_W;
            let run = (end - col) as f32 * CELL_W;
            if style.bg != BACKGROUND {
                writeln!(
                    out,
                    r#"<rect x="{x:.1}" y="{y:.1}" width="{run:.1}" height="{CELL_H}" fill="{}"/>"#,
                    style.bg
                )
                .unwrap();
            }
            // Words, at most 16 characters each, placed at their own column: alignment
            // hardly depends on the viewer's font.
            let weight = if style.bold {
                r#" font-weight="bold""#
            } else {
                ""
            };
            let italic = if style.italic {
                r#" font-style="italic""#
            } else {
                ""
            };
            let mut i = col;
            while i < end {
                if cells[i].0.trim().is_empty() {
                    i += 1;
                    continue;
                }
                let start = i;
                let mut word = String::new();
                while i < end && i - start < 16 && !cells[i].0.trim().is_empty() {
                    word.push_str(&cells[i].0);
                    i += 1;
                }
                writeln!(
                    out,
                    r#"<text x="{:.1}" y="{:.1}" fill="{}"{weight}{italic}>{}</text>"#,
                    start as f32 * CELL_W,
                    y + CELL_H * 0.78,
                    style.fg,
                    escape(&word)
                )
                .unwrap();
            }
            col = end;
        }
    }
    out.push_str("</g>\n</svg>\n");
    out
}

/// Waits until the screen shows `needle`, no spinner turns and nothing has changed for a
/// moment, then returns it as SVG.
fn capture(s: &Session, needle: &str, title: &str) -> String {
    s.wait_for(needle);
    let started = Instant::now();
    let mut last = String::new();
    let mut still_since = Instant::now();
    loop {
        let text = s.text();
        let spinning = text.chars().any(|c| ('⠀'..='⣿').contains(&c));
        if text != last || spinning {
            last = text;
            still_since = Instant::now();
        } else if still_since.elapsed() > Duration::from_millis(600) {
            break;
        }
        assert!(
            started.elapsed() < common::pty::WAIT,
            "the screen never settled:\n{last}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let parser = s.screen.lock().unwrap();
    svg(parser.screen(), title)
}

/// Takes every screenshot into `dir`; returns the files written.
fn take(dir: &Path) -> Vec<PathBuf> {
    let mut s = Session::start(&["--demo"], COLS, ROWS);
    let mut written = Vec::new();
    let mut save = |name: &str, svg: String| {
        let path = dir.join(name);
        std::fs::write(&path, svg).unwrap();
        written.push(path);
    };
    save(
        "accelerators.svg",
        capture(
            &s,
            "Accelerators ─ all 24",
            "portolan: the custom routing accelerators of the demo account",
        ),
    );
    s.send("j");
    s.send("\r");
    s.wait_for("─ all 1");
    s.send("\r");
    s.wait_for("─ all 3");
    s.wait_for("eu-central-1");
    s.send("m");
    s.wait_for("Subnet ‹ subnet-02d1c490fa23a2312");
    s.send("10.48.24.9\r");
    save(
        "browser.svg",
        capture(
            &s,
            "mappings of 10.48.24.9",
            "portolan: which accelerator IP:port lands on destination 10.48.24.9, and is traffic allowed",
        ),
    );
    s.send("\x1b");
    s.wait_for("Endpoint groups of listener");
    s.send("c");
    s.wait_for("New endpoint group on listener");
    s.send("ap-south-1\t7000\t7049\t");
    s.send("\x0e");
    s.send("7100\t7149\t \t ");
    save(
        "create-form.svg",
        capture(
            &s,
            "Still fit",
            "portolan: the form that creates an endpoint group with two destination port ranges",
        ),
    );
    s.send("\x1b");
    s.send("y");
    s.send("q");
    assert!(s.exit_status().success());
    written
}

#[test]
fn the_readme_screenshots_are_those_of_the_current_binary() {
    let committed = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/screenshots"));
    if std::env::var_os("UPDATE_SCREENSHOTS").is_some() {
        std::fs::create_dir_all(&committed).unwrap();
        let written = take(&committed);
        eprintln!("wrote {written:?}");
        return;
    }
    let fresh = tempfile::tempdir().unwrap();
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    for path in take(fresh.path()) {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let now = std::fs::read_to_string(&path).unwrap();
        let before = std::fs::read_to_string(committed.join(&name)).unwrap_or_default();
        assert!(
            now == before,
            "assets/screenshots/{name} is not what the binary draws now; run scripts/screenshots.sh and commit the result (new one in {})",
            fresh.keep().display()
        );
        assert!(
            readme.contains(&format!("assets/screenshots/{name}")),
            "the README shows {name}"
        );
    }
}
