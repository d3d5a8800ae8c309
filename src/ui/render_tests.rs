use super::*;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

/// Beside a popup narrower than the screen nothing of what is under it shows: no piece
/// of a port or an id.
#[test]
fn nothing_under_a_popup_shows_beside_it() {
    let mut terminal = Terminal::new(TestBackend::new(80, 12)).unwrap();
    terminal
        .draw(|f| {
            let area = f.area();
            f.render_widget(
                Paragraph::new(vec![Line::raw("│  5527 ".repeat(10)); 12]),
                area,
            );
            let p = popup(f, area, 70, 6);
            f.render_widget(ratatui::widgets::Block::bordered(), p);
        })
        .unwrap();
    let buffer = terminal.backend().buffer();
    for y in 2..=9 {
        let row: String = (0..80).map(|x| buffer[(x, y)].symbol()).collect();
        assert!(!row.contains(['5', '7']), "row {y}: {row}");
    }
}

/// The columns left of and right of a popup on a full screen hold no stray characters.
#[test]
fn a_popup_leaves_no_fragments_beside_it() {
    for (screen_w, want) in [(80, 76), (80, 70), (80, 74), (100, 90), (60, 96)] {
        let mut terminal = Terminal::new(TestBackend::new(screen_w, 10)).unwrap();
        terminal
            .draw(|f| {
                let area = f.area();
                f.render_widget(Paragraph::new(vec![Line::raw("Dc".repeat(80)); 10]), area);
                let p = popup(f, area, want, 6);
                f.render_widget(ratatui::widgets::Block::bordered(), p);
            })
            .unwrap();
        let buffer = terminal.backend().buffer();
        for y in 0..10 {
            let row: String = (0..screen_w).map(|x| buffer[(x, y)].symbol()).collect();
            let left = row.len() - row.trim_start_matches(['D', 'c']).len();
            if left == row.len() {
                continue;
            }
            let right = row.len() - row.trim_end_matches(['D', 'c']).len();
            for (side, next) in [
                (left, row[left..].chars().next()),
                (right, row[..row.len() - right].chars().last()),
            ] {
                assert!(
                    side == 0 || (side >= 2 && next == Some(' ')),
                    "a sliver beside a {want}-wide popup on {screen_w}: {row}"
                );
            }
        }
    }
}
