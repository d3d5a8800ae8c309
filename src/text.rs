//! Making strings from the API safe to put on a terminal. Names, tags and ids come from the
//! service (or from any endpoint a user points portolan at) and may carry escape sequences:
//! an OSC 52 in an accelerator name could rewrite the user's clipboard, a CSI could repaint
//! the screen. Every such string passes through `sanitize` before it is drawn or printed.

use std::borrow::Cow;
use std::fmt::Write;

fn is_unsafe(c: char) -> bool {
    c.is_control()
        // Bidirectional overrides and isolates can reorder what is shown; zero-width
        // characters hide in plain sight (two names that look the same are not).
        || matches!(
            c,
            '\u{202a}'..='\u{202e}'
                | '\u{2066}'..='\u{2069}'
                | '\u{200b}'..='\u{200f}'
                | '\u{2060}'..='\u{2064}'
                | '\u{feff}'
        )
}

/// Replaces control characters (C0, DEL, C1) and bidi controls with a visible escape such as
/// `\x1b`, so nothing reaches the terminal as a command and the oddity stays visible.
pub fn sanitize(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_unsafe) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if !is_unsafe(c) {
            out.push(c);
        } else if (c as u32) < 0x100 {
            let _ = write!(out, "\\x{:02x}", c as u32);
        } else {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_terminal_commands_and_leaves_plain_text_alone() {
        assert!(matches!(sanitize("game-eu-1"), Cow::Borrowed(_)));
        assert_eq!(
            sanitize("a\u{1b}]52;c;aGk=\u{7}b"),
            "a\\x1b]52;c;aGk=\\x07b"
        );
        assert_eq!(sanitize("x\u{1b}[2Jy"), "x\\x1b[2Jy");
        assert_eq!(sanitize("\u{9b}31m"), "\\x9b31m", "C1 CSI");
        assert_eq!(sanitize("tab\there\r\n"), "tab\\x09here\\x0d\\x0a");
        assert_eq!(sanitize("abc\u{202e}def"), "abc\\u{202e}def");
        assert_eq!(sanitize("ünïcødé ✓"), "ünïcødé ✓");
        assert_eq!(sanitize("a\u{200b}b\u{feff}"), "a\\u{200b}b\\u{feff}");
        assert_eq!(sanitize("宽字符🚀"), "宽字符🚀", "wide characters are text");
    }
}
