//! `P`: the profile switcher lists the AWS config's profiles, connects to the chosen one and
//! starts again from the accelerators pane in its account; a failure keeps the session.

use super::*;
use crate::app::overlays::profiles::Connected;

fn profile_effects(effects: &[Effect]) -> (Option<RequestId>, Option<(RequestId, String)>) {
    let mut list = None;
    let mut switch = None;
    for e in effects {
        match e {
            Effect::ListProfiles { id } => list = Some(*id),
            Effect::SwitchProfile { id, profile } => switch = Some((*id, profile.clone())),
            _ => {}
        }
    }
    (list, switch)
}

fn connected() -> Connected {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let client = runtime
        .block_on(crate::api::SdkClient::connect(
            crate::api::ClientOptions::local("http://127.0.0.1:9"),
        ))
        .unwrap();
    Connected {
        api: std::sync::Arc::new(client),
        endpoint: Some("http://127.0.0.1:9".into()),
    }
}

#[test]
fn p_lists_the_profiles_with_the_current_one_selected() {
    let mut s = loaded(3);
    s.context.profile = "prod".into();
    let (list, _) = profile_effects(&ch(&mut s, 'P'));
    let id = list.expect("the profiles are read");
    update(
        &mut s,
        Action::Profiles {
            id,
            result: Ok(vec!["default".into(), "prod".into(), "staging".into()]),
        },
    );
    let picker = s.picker().unwrap();
    assert_eq!(picker.selected, 1);
    // Keys go to the picker: q closes it rather than quitting.
    ch(&mut s, 'q');
    assert!(!s.quit && s.picker().is_none());
}

#[test]
fn no_profiles_says_how_to_make_one() {
    let mut s = loaded(3);
    let (list, _) = profile_effects(&ch(&mut s, 'P'));
    update(
        &mut s,
        Action::Profiles {
            id: list.unwrap(),
            result: Ok(vec![]),
        },
    );
    let names = s.picker().unwrap().names.clone().unwrap();
    assert!(names.unwrap_err().contains("aws configure --profile"));
    assert!(profile_effects(&key(&mut s, KeyCode::Enter)).1.is_none());
}

#[test]
fn choosing_a_profile_reloads_everything_in_its_account() {
    let mut s = loaded(3);
    s.context.profile = "default".into();
    s.context.account = Some(ACCOUNT.into());
    key(&mut s, KeyCode::Enter);
    assert_eq!(s.screens.len(), 2);
    let (list, _) = profile_effects(&ch(&mut s, 'P'));
    let id = list.unwrap();
    update(
        &mut s,
        Action::Profiles {
            id,
            result: Ok(vec!["default".into(), "staging".into()]),
        },
    );
    ch(&mut s, 'j');
    let (_, switch) = profile_effects(&key(&mut s, KeyCode::Enter));
    assert_eq!(switch, Some((id, "staging".into())));

    // A failure keeps everything as it was and says why.
    update(
        &mut s,
        Action::Switched {
            id,
            profile: "staging".into(),
            result: Err("no usable AWS credentials".into()),
        },
    );
    assert_eq!(s.screens.len(), 2);
    assert_eq!(s.context.profile, "default");
    let picker = s.picker().unwrap();
    assert!(
        picker
            .error
            .as_deref()
            .unwrap()
            .contains("staging: no usable")
    );

    // Success: back to a fresh accelerators pane, the new profile and no account yet.
    let (_, switch) = profile_effects(&key(&mut s, KeyCode::Enter));
    assert!(switch.is_some());
    let effects = update(
        &mut s,
        Action::Switched {
            id,
            profile: "staging".into(),
            result: Ok(connected()),
        },
    );
    assert!(s.picker().is_none());
    assert_eq!(s.screens.len(), 1);
    assert_eq!(s.context.profile, "staging");
    assert_eq!(s.context.account, None);
    assert_eq!(s.context.endpoint.as_deref(), Some("http://127.0.0.1:9"));
    assert!(
        calls(&effects)
            .iter()
            .any(|(_, c)| matches!(c, Call::ListAccelerators { token: None })),
        "{effects:?}"
    );
}
