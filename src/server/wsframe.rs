//! WebSocket framing on the server's own sockets (RFC 6455; headers by tungstenite's
//! codec). Outbound frames are encoded once into shared bytes, so one update is one buffer
//! for all its browsers; inbound frames are cut, unmasked and joined into messages here,
//! and an oversized message is refused from its header, before its payload is buffered.

use bytes::{Buf, Bytes, BytesMut};
use std::io::Cursor;
use tokio_tungstenite::tungstenite::protocol::frame::coding::{Control, Data, OpCode};
use tokio_tungstenite::tungstenite::protocol::frame::FrameHeader;

/// One encoded server frame (header and unmasked payload); clones share the bytes.
#[derive(Clone, Debug)]
pub struct Frame {
    bytes: Bytes,
    head: u8,
}

impl Frame {
    pub fn text(text: &str) -> Frame {
        Frame::encode(OpCode::Data(Data::Text), text.as_bytes())
    }

    pub fn pong(payload: &[u8]) -> Frame {
        Frame::encode(OpCode::Control(Control::Pong), payload)
    }

    /// A close frame; `code` None sends an empty one (echoing a close that had no code).
    pub fn close(code: Option<u16>, reason: &str) -> Frame {
        let mut payload = Vec::new();
        if let Some(c) = code {
            payload.extend_from_slice(&c.to_be_bytes());
            // Control frames carry at most 125 bytes.
            let mut end = reason.len().min(123);
            while !reason.is_char_boundary(end) {
                end -= 1;
            }
            payload.extend_from_slice(&reason.as_bytes()[..end]);
        }
        Frame::encode(OpCode::Control(Control::Close), &payload)
    }

    fn encode(opcode: OpCode, payload: &[u8]) -> Frame {
        let header = FrameHeader {
            opcode,
            ..FrameHeader::default()
        };
        let len = payload.len() as u64;
        let head = header.len(len);
        let mut out = Vec::with_capacity(head + payload.len());
        // Writing into a Vec cannot fail.
        let _ = header.format(len, &mut out);
        out.extend_from_slice(payload);
        Frame {
            bytes: out.into(),
            head: head as u8,
        }
    }

    /// The whole frame as it goes on the wire.
    pub fn wire(&self) -> &[u8] {
        &self.bytes
    }

    /// The payload of a text frame (what a connection without a socket is handed).
    pub fn payload_text(&self) -> &str {
        std::str::from_utf8(&self.bytes[usize::from(self.head)..]).unwrap_or_default()
    }

    pub fn is_close(&self) -> bool {
        self.bytes.first() == Some(&0x88)
    }
}

impl From<String> for Frame {
    fn from(s: String) -> Frame {
        Frame::text(&s)
    }
}

impl From<&str> for Frame {
    fn from(s: &str) -> Frame {
        Frame::text(s)
    }
}

/// A complete message from a client.
#[derive(Debug, PartialEq)]
pub enum Inbound {
    Text(String),
    Binary,
    Ping(Bytes),
    Close(Option<u16>),
}

/// Why a client's frames cannot be read on: the socket is closed with a close code.
#[derive(Debug, PartialEq)]
pub enum ReadError {
    /// A message of this many bytes (so far) is over the limit.
    TooBig(usize),
    /// Not WebSocket as RFC 6455 has it (close code 1002), or text that is not UTF-8 (1007).
    Protocol(&'static str, u16),
}

/// Cuts a client's byte stream into messages.
pub struct Reader {
    buf: BytesMut,
    /// A fragmented message being joined: whether it is text, and its bytes so far.
    partial: Option<(bool, Vec<u8>)>,
    max: usize,
}

/// Bytes asked of the socket per read.
const READ_CHUNK: usize = 16 * 1024;

impl Reader {
    /// `already` holds bytes read with the HTTP upgrade; messages over `max` bytes are refused.
    pub fn new(already: Bytes, max: usize) -> Reader {
        Reader {
            buf: BytesMut::from(&already[..]),
            partial: None,
            max,
        }
    }

    /// Where the next read from the socket goes (with room for it).
    pub fn buf(&mut self) -> &mut BytesMut {
        self.buf.reserve(READ_CHUNK);
        &mut self.buf
    }

    /// The next complete message, or None until more bytes arrive. Pongs are skipped.
    pub fn next(&mut self) -> Result<Option<Inbound>, ReadError> {
        loop {
            let mut cursor = Cursor::new(&self.buf[..]);
            let Some((header, len)) = FrameHeader::parse(&mut cursor)
                .map_err(|_| ReadError::Protocol("malformed frame header", 1002))?
            else {
                return Ok(None);
            };
            let head = cursor.position() as usize;
            let len = usize::try_from(len).unwrap_or(usize::MAX);
            let control = matches!(header.opcode, OpCode::Control(_));
            if control && (len > 125 || !header.is_final) {
                return Err(ReadError::Protocol("invalid control frame", 1002));
            }
            let so_far = self.partial.as_ref().map_or(0, |p| p.1.len());
            if !control && len.saturating_add(so_far) > self.max {
                return Err(ReadError::TooBig(len.saturating_add(so_far)));
            }
            if header.rsv1 || header.rsv2 || header.rsv3 {
                return Err(ReadError::Protocol("reserved bits set", 1002));
            }
            if self.buf.len() - head < len {
                self.buf.reserve(head + len - self.buf.len());
                return Ok(None);
            }
            self.buf.advance(head);
            let mut payload = self.buf.split_to(len);
            if let Some(mask) = header.mask {
                for (i, b) in payload.iter_mut().enumerate() {
                    *b ^= mask[i & 3];
                }
            }
            let (text, bytes) = match header.opcode {
                OpCode::Control(Control::Ping) => return Ok(Some(Inbound::Ping(payload.freeze()))),
                OpCode::Control(Control::Pong) => continue,
                OpCode::Control(Control::Close) => {
                    let code =
                        (payload.len() >= 2).then(|| u16::from_be_bytes([payload[0], payload[1]]));
                    return Ok(Some(Inbound::Close(code)));
                }
                OpCode::Data(Data::Text | Data::Binary) if self.partial.is_some() => {
                    return Err(ReadError::Protocol(
                        "a new message inside a fragmented one",
                        1002,
                    ))
                }
                OpCode::Data(d @ (Data::Text | Data::Binary)) => {
                    let text = d == Data::Text;
                    if !header.is_final {
                        self.partial = Some((text, payload.to_vec()));
                        continue;
                    }
                    (text, payload.to_vec())
                }
                OpCode::Data(Data::Continue) => {
                    let Some((text, mut bytes)) = self.partial.take() else {
                        return Err(ReadError::Protocol("a continuation with no message", 1002));
                    };
                    bytes.extend_from_slice(&payload);
                    if !header.is_final {
                        self.partial = Some((text, bytes));
                        continue;
                    }
                    (text, bytes)
                }
                OpCode::Data(Data::Reserved(_)) | OpCode::Control(Control::Reserved(_)) => {
                    return Err(ReadError::Protocol("reserved opcode", 1002))
                }
            };
            if !text {
                return Ok(Some(Inbound::Binary));
            }
            return match String::from_utf8(bytes) {
                Ok(s) => Ok(Some(Inbound::Text(s))),
                Err(_) => Err(ReadError::Protocol("text that is not UTF-8", 1007)),
            };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A client frame: masked, as browsers send them.
    fn client(opcode: u8, fin: bool, payload: &[u8]) -> Vec<u8> {
        let mask = [1u8, 2, 3, 4];
        let mut out = vec![opcode | if fin { 0x80 } else { 0 }];
        match payload.len() {
            n if n < 126 => out.push(0x80 | n as u8),
            n if n < 65536 => {
                out.push(0x80 | 126);
                out.extend_from_slice(&(n as u16).to_be_bytes());
            }
            n => {
                out.push(0x80 | 127);
                out.extend_from_slice(&(n as u64).to_be_bytes());
            }
        }
        out.extend_from_slice(&mask);
        out.extend(payload.iter().enumerate().map(|(i, b)| b ^ mask[i & 3]));
        out
    }

    fn feed(r: &mut Reader, bytes: &[u8]) {
        r.buf().extend_from_slice(bytes);
    }

    #[test]
    fn messages_are_cut_unmasked_and_joined_across_reads() {
        let mut r = Reader::new(Bytes::new(), 1 << 20);
        let long = "x".repeat(70_000);
        let mut bytes = client(1, true, b"hello");
        bytes.extend(client(1, false, b"frag"));
        bytes.extend(client(9, true, b"p"));
        bytes.extend(client(0, true, b"mented"));
        bytes.extend(client(1, true, long.as_bytes()));
        bytes.extend(client(10, true, b""));
        bytes.extend(client(8, true, &1000u16.to_be_bytes()));
        let mut got = Vec::new();
        // One byte at a time: every cut point of every frame.
        for b in &bytes {
            feed(&mut r, std::slice::from_ref(b));
            while let Some(m) = r.next().unwrap() {
                got.push(m);
            }
        }
        assert_eq!(
            got,
            vec![
                Inbound::Text("hello".into()),
                Inbound::Ping(Bytes::from_static(b"p")),
                Inbound::Text("fragmented".into()),
                Inbound::Text(long),
                Inbound::Close(Some(1000)),
            ]
        );
    }

    #[test]
    fn an_oversized_message_is_refused_from_its_header() {
        let mut r = Reader::new(Bytes::new(), 3000);
        let frame = client(1, true, &[b'y'; 5000]);
        feed(&mut r, &frame[..8]);
        assert_eq!(r.next(), Err(ReadError::TooBig(5000)));
        let mut r = Reader::new(Bytes::new(), 3000);
        feed(&mut r, &client(1, false, &[b'y'; 2000]));
        feed(&mut r, &client(0, true, &[b'y'; 1500]));
        assert_eq!(r.next(), Err(ReadError::TooBig(3500)));
    }

    #[test]
    fn broken_frames_are_protocol_errors() {
        let cases: [(Vec<u8>, u16); 4] = [
            (client(0, true, b"x"), 1002),
            (client(3, true, b"x"), 1002),
            (client(9, false, b"x"), 1002),
            (client(1, true, &[0xff, 0xfe]), 1007),
        ];
        for (bytes, code) in cases {
            let mut r = Reader::new(Bytes::new(), 1 << 20);
            feed(&mut r, &bytes);
            assert!(
                matches!(r.next(), Err(ReadError::Protocol(_, c)) if c == code),
                "{bytes:?}"
            );
        }
    }

    #[test]
    fn outbound_frames_carry_their_length_in_the_right_form() {
        for n in [0usize, 125, 126, 65535, 65536] {
            let text = "z".repeat(n);
            let f = Frame::text(&text);
            assert_eq!(f.wire()[0], 0x81);
            let head = match n {
                0..=125 => 2,
                126..=65535 => 4,
                _ => 10,
            };
            assert_eq!(f.wire().len(), head + n, "{n}");
            assert_eq!(f.payload_text(), text);
        }
        let c = Frame::close(Some(1009), "message too big");
        assert!(c.is_close());
        assert_eq!(&c.wire()[2..4], &1009u16.to_be_bytes());
        assert!(!Frame::text("x").is_close());
    }
}
