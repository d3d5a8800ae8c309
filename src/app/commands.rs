//! Every command a key can run on a screen: its config name, default keys and help text,
//! in help order and grouped in sections. The keymap, the help overlay, the hint bar and the
//! README's key table are all drawn from this one table.

/// A command a key can run on a screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Command {
    Down,
    Up,
    First,
    Last,
    PageDown,
    PageUp,
    Open,
    Back,
    Filter,
    Sort,
    ReverseSort,
    Wide,
    Columns,
    Info,
    Refresh,
    Live,
    Create,
    ByDestination,
    AllMappings,
    DestinationForm,
    FindPort,
    Copy,
    Export,
    Allow,
    Deny,
    AddEndpoints,
    RemoveEndpoint,
    DeleteGroup,
    Bulk,
    BulkList,
    Undo,
    Whois,
    Pin,
    WatchView,
    Unpin,
    Audit,
    Index,
    Profiles,
    Messages,
    Help,
    Quit,
}

/// A command's config name, default keys and help text.
pub(super) struct Spec {
    pub(super) command: Command,
    pub(super) name: &'static str,
    pub(super) keys: &'static [&'static str],
    pub(super) help: &'static str,
}

macro_rules! spec {
    ($command:ident, $name:literal, [$($key:literal),*], $help:literal) => {
        Spec { command: Command::$command, name: $name, keys: &[$($key),*], help: $help }
    };
}

/// Every command, in help order, grouped in sections.
pub(super) const SECTIONS: &[(&str, &[Spec])] = &[
    (
        "Move",
        &[
            spec!(Down, "down", ["j", "Down"], "next row"),
            spec!(Up, "up", ["k", "Up"], "previous row"),
            spec!(First, "first", ["g", "Home"], "first row"),
            spec!(Last, "last", ["G", "End"], "last row"),
            spec!(PageDown, "page_down", ["PageDown"], "a screen down"),
            spec!(PageUp, "page_up", ["PageUp"], "a screen up"),
            spec!(
                Open,
                "open",
                ["Enter", "l", "Right"],
                "open the selected item"
            ),
            spec!(
                Back,
                "back",
                ["Esc", "Backspace", "h", "Left"],
                "back (clears a message or filter first)"
            ),
        ],
    ),
    (
        "Lists",
        &[
            spec!(
                Filter,
                "filter",
                ["/"],
                "filter loaded rows (Enter keeps, Esc clears)"
            ),
            spec!(Sort, "sort", ["s"], "sort by the next column"),
            spec!(ReverseSort, "reverse_sort", ["S"], "reverse the sort"),
            spec!(
                Wide,
                "wide",
                ["Ctrl-W"],
                "wide view: more columns, whole ids beside names"
            ),
            spec!(
                Columns,
                "columns",
                ["C"],
                "choose this view's columns (kept in config)"
            ),
            spec!(Info, "info", ["i"], "details of an accelerator or listener"),
            spec!(Refresh, "refresh", ["r"], "refresh this pane"),
            spec!(
                Live,
                "live",
                ["L"],
                "live: re-read this pane every few seconds"
            ),
            spec!(
                Create,
                "create",
                ["c"],
                "create an accelerator, listener or group"
            ),
        ],
    ),
    (
        "Port mappings",
        &[
            spec!(
                ByDestination,
                "by_destination",
                ["m"],
                "mappings by destination"
            ),
            spec!(
                AllMappings,
                "all_mappings",
                ["M"],
                "all mappings of an accelerator/group"
            ),
            spec!(
                DestinationForm,
                "destination_form",
                ["Tab", "f"],
                "back to the destination form"
            ),
            spec!(
                FindPort,
                "find_port",
                [":"],
                "find the destination of an accelerator port"
            ),
            spec!(Copy, "copy", ["y"], "copy the selected row (OSC 52)"),
            spec!(
                Export,
                "export",
                ["e"],
                "export loaded rows, or all, to CSV/JSON"
            ),
        ],
    ),
    (
        "Changes (each asks y/n first)",
        &[
            spec!(
                Allow,
                "allow",
                ["A"],
                "allow traffic (browser row; subnet in a group)"
            ),
            spec!(
                Deny,
                "deny",
                ["D"],
                "deny traffic (browser row; subnet in a group)"
            ),
            spec!(
                AddEndpoints,
                "add_endpoints",
                ["a"],
                "add subnet endpoints to the group"
            ),
            spec!(
                RemoveEndpoint,
                "remove_endpoint",
                ["x"],
                "remove the selected subnet endpoint"
            ),
            spec!(
                DeleteGroup,
                "delete_group",
                ["Delete"],
                "delete the selected endpoint group"
            ),
            spec!(
                Bulk,
                "bulk",
                ["b"],
                "allow/deny every row the filter shows (browser)"
            ),
            spec!(
                BulkList,
                "bulk_list",
                ["B"],
                "allow/deny a pasted list of IP:PORT/IP (browser)"
            ),
            spec!(Undo, "undo", ["u"], "undo the last change of this session"),
        ],
    ),
    (
        "Watch",
        &[
            spec!(
                Pin,
                "pin",
                ["p"],
                "pin the browser row, or a typed IP:PORT or IP"
            ),
            spec!(
                WatchView,
                "watch",
                ["W"],
                "the watch view: pins, read on an interval"
            ),
            spec!(
                Unpin,
                "unpin",
                ["d"],
                "unpin the selected watch row (Delete too)"
            ),
        ],
    ),
    (
        "App",
        &[
            spec!(
                Whois,
                "whois",
                ["w"],
                "who is behind IP:PORT? which subnet holds an IP?"
            ),
            spec!(
                Audit,
                "audit",
                ["Ctrl-A"],
                "the ALLOW audit: findings, each fixed by D or A"
            ),
            spec!(
                Index,
                "index",
                ["I"],
                "index the accelerator's mappings (Esc stops)"
            ),
            spec!(
                Profiles,
                "profiles",
                ["P"],
                "switch to another profile of your AWS config"
            ),
            spec!(
                Messages,
                "messages",
                ["!"],
                "every message and error so far, with its time"
            ),
            spec!(Help, "help", ["?"], "this help"),
            spec!(Quit, "quit", ["q"], "quit (Ctrl-C always quits)"),
        ],
    ),
];

/// Keys of forms, prompts and questions: fixed, shown in the help as they are.
pub const FIXED: &[(&str, &str)] = &[
    ("Tab Shift-Tab", "next / previous field"),
    ("Space", "toggle TCP, UDP, Enabled"),
    ("Ctrl-N Ctrl-D", "add a row / remove the focused row"),
    ("Ctrl-S", "create (Enter on the Create button too)"),
    ("Esc", "close (asks first if anything was typed)"),
    ("y n", "answer a question"),
    ("Space J K", "column chooser: show/hide, move down/up"),
    ("Ctrl-P", "pin the address of a w lookup (watch)"),
    ("Ctrl-Z", "suspend (fg resumes)"),
];

pub(super) fn specs() -> impl Iterator<Item = &'static Spec> {
    SECTIONS.iter().flat_map(|(_, specs)| specs.iter())
}

pub(super) fn spec(command: Command) -> &'static Spec {
    specs()
        .find(|s| s.command == command)
        .expect("every command has a spec")
}

impl Command {
    /// The name used in the config file's `[keymap]` table.
    pub fn name(self) -> &'static str {
        spec(self).name
    }

    pub fn from_name(name: &str) -> Option<Command> {
        specs().find(|s| s.name == name).map(|s| s.command)
    }
}
