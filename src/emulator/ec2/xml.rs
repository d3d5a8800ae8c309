//! A small XML writer for EC2's answers: elements in order, text escaped, and characters XML 1.0
//! cannot carry at all (C0 controls other than tab, newline and carriage return) replaced by
//! U+FFFD, so a hostile name in a topology still gives a document every client can read.

use std::fmt::Write;

pub const NAMESPACE: &str = "http://ec2.amazonaws.com/doc/2016-11-15/";

pub struct Xml {
    out: String,
}

impl Xml {
    /// A document whose root is `root` in EC2's namespace, starting with the request id.
    pub fn response(root: &str, request_id: &str) -> Self {
        let mut xml = Self {
            out: String::with_capacity(4096),
        };
        let _ = write!(
            xml.out,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<{root} xmlns=\"{NAMESPACE}\">"
        );
        xml.leaf("requestId", request_id);
        xml
    }

    pub fn finish(mut self, root: &str) -> Vec<u8> {
        self.close(root);
        self.out.into_bytes()
    }

    pub fn open(&mut self, tag: &str) {
        self.out.push('<');
        self.out.push_str(tag);
        self.out.push('>');
    }

    pub fn close(&mut self, tag: &str) {
        self.out.push_str("</");
        self.out.push_str(tag);
        self.out.push('>');
    }

    /// `<tag>text</tag>`, with `text` escaped.
    pub fn leaf(&mut self, tag: &str, text: &str) {
        self.open(tag);
        escape_into(&mut self.out, text);
        self.close(tag);
    }

    pub fn leaf_display(&mut self, tag: &str, value: impl std::fmt::Display) {
        self.open(tag);
        let _ = write!(self.out, "{value}");
        self.close(tag);
    }

    /// An empty list or structure, `<tag/>`.
    pub fn empty(&mut self, tag: &str) {
        self.out.push('<');
        self.out.push_str(tag);
        self.out.push_str("/>");
    }

    /// A `tagSet` with one `Name` tag, or an empty one.
    pub fn name_tag(&mut self, name: Option<&str>) {
        match name {
            Some(name) => {
                self.open("tagSet");
                self.open("item");
                self.leaf("key", "Name");
                self.leaf("value", name);
                self.close("item");
                self.close("tagSet");
            }
            None => self.empty("tagSet"),
        }
    }
}

pub fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // A parser would turn a bare carriage return into a newline.
            '\r' => out.push_str("&#13;"),
            '\t' | '\n' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
}

/// EC2's error document.
pub fn error_document(code: &str, message: &str, request_id: &str) -> Vec<u8> {
    let mut out =
        String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Errors><Error><Code>");
    escape_into(&mut out, code);
    out.push_str("</Code><Message>");
    escape_into(&mut out, message);
    out.push_str("</Message></Error></Errors><RequestID>");
    escape_into(&mut out, request_id);
    out.push_str("</RequestID></Response>");
    out.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_replaces_what_xml_cannot_carry() {
        let mut out = String::new();
        escape_into(&mut out, "a<b>&\"c'\r\n\t\u{1b}[31m\u{202e}");
        assert_eq!(
            out,
            "a&lt;b&gt;&amp;&quot;c&apos;&#13;\n\t\u{fffd}[31m\u{202e}"
        );
    }

    #[test]
    fn the_error_document_has_ec2s_shape() {
        let doc = String::from_utf8(error_document(
            "InvalidSubnetID.NotFound",
            "no <such>",
            "r-1",
        ))
        .unwrap();
        assert!(doc.ends_with(
            "<Response><Errors><Error><Code>InvalidSubnetID.NotFound</Code><Message>no &lt;such&gt;</Message></Error></Errors><RequestID>r-1</RequestID></Response>"
        ));
    }
}
