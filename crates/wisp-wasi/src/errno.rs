//! Error numbers. Spec: preview1 `errno`.

/// The preview1 error codes that Wisp returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u16)]
pub enum Errno {
    Success = 0,
    Badf = 8,
    Fault = 21,
    Inval = 28,
    Io = 29,
    Nosys = 52,
    Notdir = 54,
    Notsock = 57,
    Notsup = 58,
    Overflow = 61,
    Spipe = 70,
    Notcapable = 76,
}

impl Errno {
    pub fn raw(self) -> i32 {
        self as u16 as i32
    }
}
