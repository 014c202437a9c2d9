//! The language server's stdio transport on arbitrary bytes: it never panics or stops early on a malformed
//! message, and everything it writes back is a well-framed JSON-RPC parse error.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &[u8]| {
    let (_methods, written) = hindsight_lsp::fuzzing::read_messages(input);
    let mut rest = written.as_slice();
    while !rest.is_empty() {
        let text = std::str::from_utf8(rest).expect("the answers are UTF-8");
        let header = text
            .strip_prefix("Content-Length: ")
            .expect("a Content-Length header");
        let (length, body) = header.split_once("\r\n\r\n").expect("a header ending");
        let length: usize = length.parse().expect("a length");
        let (body, after) = body.split_at(length);
        let json: serde_json::Value = serde_json::from_str(body).expect("a JSON body");
        assert_eq!(json["error"]["code"], -32700, "{json}");
        rest = after.as_bytes();
    }
});
