//! Error numbers. Spec: preview1 `errno`.

/// The preview1 error codes that Wisp returns. A filesystem backend answers with these too.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u16)]
pub enum Errno {
    /// No error.
    Success = 0,
    /// Permission denied.
    Acces = 2,
    /// Try again (the resource is busy or would block).
    Again = 6,
    /// Bad file descriptor.
    Badf = 8,
    /// Device or resource busy.
    Busy = 10,
    /// File exists.
    Exist = 20,
    /// Bad address (a guest pointer out of bounds).
    Fault = 21,
    /// File too large.
    Fbig = 22,
    /// Illegal byte sequence (a name that is not UTF-8).
    Ilseq = 25,
    /// Invalid argument.
    Inval = 28,
    /// I/O error.
    Io = 29,
    /// Is a directory.
    Isdir = 31,
    /// Too many levels of symbolic links.
    Loop = 32,
    /// Too many links.
    Mlink = 34,
    /// Filename too long.
    Nametoolong = 37,
    /// No such file or directory.
    Noent = 44,
    /// Not enough memory.
    Nomem = 48,
    /// No space left on device.
    Nospc = 51,
    /// Function not supported.
    Nosys = 52,
    /// Not a directory.
    Notdir = 54,
    /// Directory not empty.
    Notempty = 55,
    /// Not a socket.
    Notsock = 57,
    /// Not supported.
    Notsup = 58,
    /// Value too large for its type.
    Overflow = 61,
    /// Operation not permitted.
    Perm = 63,
    /// Read-only file system.
    Rofs = 69,
    /// Invalid seek (on a stream).
    Spipe = 70,
    /// Cross-device link.
    Xdev = 75,
    /// The descriptor lacks the right for this (the sandbox said no).
    Notcapable = 76,
}

impl Errno {
    /// The code as the ABI passes it.
    pub fn raw(self) -> i32 {
        self as u16 as i32
    }
}

/// The variant's name and the preview1 number: `errno Noent (44)`.
impl core::fmt::Display for Errno {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "errno {self:?} ({})", self.raw())
    }
}

impl core::error::Error for Errno {}
