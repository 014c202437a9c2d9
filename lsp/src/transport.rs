//! The stdio transport. `lsp-server`'s own stops reading at the first malformed message; this one answers a
//! message it cannot parse with a JSON-RPC parse error and reads on, so bad input never ends the server.

use std::io::{self, BufRead, Write};
use std::sync::{Arc, Mutex};

use crossbeam_channel::{Receiver, Sender, unbounded};
use lsp_server::{Connection, Message};
use lsp_types::notification::{Exit, Notification as _};

/// The largest message body accepted (a bigger `Content-Length` is skipped and answered with an error).
const MAX_MESSAGE_BYTES: usize = 256 * 1024 * 1024;

/// Connects to the client over stdin and stdout. The threads end when stdin closes or after `exit`.
pub(crate) fn stdio() -> Connection {
    let stdout = Arc::new(Mutex::new(io::stdout()));
    let (to_client, from_server) = unbounded::<Message>();
    let (to_server, from_client) = unbounded::<Message>();
    let writer_out = stdout.clone();
    let _writer = std::thread::Builder::new()
        .name("hindsight-lsp-writer".into())
        .spawn(move || write_loop(&from_server, &writer_out));
    let _reader = std::thread::Builder::new()
        .name("hindsight-lsp-reader".into())
        .spawn(move || {
            let stdin = io::stdin();
            read_loop(&mut stdin.lock(), &to_server, &stdout);
        });
    Connection {
        sender: to_client,
        receiver: from_client,
    }
}

fn write_loop(messages: &Receiver<Message>, out: &Mutex<io::Stdout>) {
    for message in messages {
        let mut bytes = Vec::new();
        if message.write(&mut bytes).is_err() {
            continue;
        }
        let mut out = match out.lock() {
            Ok(out) => out,
            Err(poisoned) => poisoned.into_inner(),
        };
        if out.write_all(&bytes).and_then(|()| out.flush()).is_err() {
            return;
        }
    }
}

/// Reads framed messages until end of input or `exit`. Malformed ones are answered, not fatal.
pub(crate) fn read_loop(
    input: &mut dyn BufRead,
    messages: &Sender<Message>,
    out: &Mutex<impl Write>,
) {
    loop {
        let body = match read_frame(input) {
            Frame::Body(body) => body,
            Frame::Malformed(why) => {
                parse_error(out, &why);
                continue;
            }
            Frame::End => return,
        };
        let message = match std::str::from_utf8(&body) {
            Ok(text) => serde_json::from_str::<Message>(text).map_err(|err| err.to_string()),
            Err(err) => Err(format!("the message is not UTF-8: {err}")),
        };
        match message {
            Ok(message) => {
                let is_exit =
                    matches!(&message, Message::Notification(n) if n.method == Exit::METHOD);
                if messages.send(message).is_err() || is_exit {
                    return;
                }
            }
            Err(why) => parse_error(out, &why),
        }
    }
}

enum Frame {
    Body(Vec<u8>),
    Malformed(String),
    End,
}

fn read_frame(input: &mut dyn BufRead) -> Frame {
    let mut length: Option<usize> = None;
    let mut saw_header = false;
    loop {
        let mut line = Vec::new();
        match input.read_until(b'\n', &mut line) {
            Ok(0) | Err(_) => return Frame::End,
            Ok(_) => {}
        }
        let line = String::from_utf8_lossy(&line);
        let line = line.trim_end_matches(['\r', '\n']);
        if line.is_empty() {
            if saw_header {
                break;
            }
            continue;
        }
        saw_header = true;
        if let Some((name, value)) = line.split_once(':')
            && name.trim().eq_ignore_ascii_case("content-length")
        {
            length = value.trim().parse().ok();
        }
    }
    let Some(length) = length else {
        return Frame::Malformed("a message without a valid Content-Length header".into());
    };
    if length > MAX_MESSAGE_BYTES {
        let mut left = length;
        while left > 0 {
            let Ok(chunk) = input.fill_buf() else { break };
            if chunk.is_empty() {
                break;
            }
            let n = chunk.len().min(left);
            input.consume(n);
            left -= n;
        }
        return Frame::Malformed(format!(
            "a message of {length} bytes is over the {MAX_MESSAGE_BYTES}-byte limit"
        ));
    }
    let mut body = vec![0; length];
    if input.read_exact(&mut body).is_err() {
        return Frame::End;
    }
    Frame::Body(body)
}

/// JSON-RPC's answer to a message that cannot be parsed: error -32700 with a null id.
fn parse_error(out: &Mutex<impl Write>, why: &str) {
    let body = serde_json::json!({
        "jsonrpc": "2.0",
        "id": null,
        "error": {"code": -32700, "message": format!("hindsight could not parse a message: {why}")},
    })
    .to_string();
    let mut out = match out.lock() {
        Ok(out) => out,
        Err(poisoned) => poisoned.into_inner(),
    };
    let _ = write!(out, "Content-Length: {}\r\n\r\n{body}", body.len());
    let _ = out.flush();
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(body: &str) -> String {
        format!("Content-Length: {}\r\n\r\n{body}", body.len())
    }

    #[test]
    fn malformed_messages_are_answered_and_reading_goes_on() {
        let mut input = [
            frame("{not json"),
            "garbage line\r\n\r\n".to_string(),
            frame("[1, 2, 3]"),
        ]
        .concat()
        .into_bytes();
        // A body that is not UTF-8.
        input.extend_from_slice(b"Content-Length: 4\r\n\r\n\"\xff\xfe\"");
        input.extend(
            [
                frame(r#"{"jsonrpc":"2.0","id":1,"method":"shutdown"}"#),
                frame(r#"{"jsonrpc":"2.0","method":"exit"}"#),
                frame(r#"{"jsonrpc":"2.0","id":2,"method":"never-read"}"#),
            ]
            .concat()
            .into_bytes(),
        );
        let (sender, receiver) = unbounded();
        let out = Mutex::new(Vec::new());
        read_loop(&mut input.as_slice(), &sender, &out);
        let methods: Vec<String> = receiver
            .try_iter()
            .map(|m| match m {
                Message::Request(r) => r.method,
                Message::Notification(n) => n.method,
                Message::Response(_) => String::new(),
            })
            .collect();
        assert_eq!(methods, ["shutdown", "exit"]);
        let written = String::from_utf8(out.into_inner().unwrap_or_default()).unwrap_or_default();
        assert_eq!(written.matches("-32700").count(), 4, "{written}");
    }
}
