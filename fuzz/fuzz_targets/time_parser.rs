//! Any bytes: the time parser never panics, and what it reads it can write and read back.
#![no_main]

use collateral_audit::input::time::{format_instant, TimeParser, TimeShape};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = TimeShape::of(data);
    for parser in [TimeParser::new(false, None), TimeParser::new(true, None)] {
        if let Some(ms) = parser.parse(data) {
            let written = format_instant(ms);
            assert_eq!(parser.parse_str(&written), Some(ms), "{written}");
        }
    }
});
