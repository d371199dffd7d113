//! The reply parser, re-exported from the language engine (`mendwork_language::replies`) so that
//! the domain's callers name it as before. Counting the segments of outgoing texts is
//! [`crate::segments`]'s.

pub use mendwork_language::replies::{Intent, NewTime, ParsedReply, parse_reply};
