//! Rights: what a descriptor allows. Spec: preview1 `rights`.
//!
//! Rights only ever shrink (`fd_fdstat_set_rights`, and a directory hands a file it opens
//! no more than its own inheriting rights), and every operation checks its right before
//! touching the backend, so a dropped right really stops the operation.

/// WASI's `fd_datasync` right.
pub const FD_DATASYNC: u64 = 1 << 0;
/// WASI's `fd_read` right.
pub const FD_READ: u64 = 1 << 1;
/// WASI's `fd_seek` right.
pub const FD_SEEK: u64 = 1 << 2;
/// WASI's `fd_fdstat_set_flags` right.
pub const FD_FDSTAT_SET_FLAGS: u64 = 1 << 3;
/// WASI's `fd_sync` right.
pub const FD_SYNC: u64 = 1 << 4;
/// WASI's `fd_tell` right.
pub const FD_TELL: u64 = 1 << 5;
/// WASI's `fd_write` right.
pub const FD_WRITE: u64 = 1 << 6;
/// WASI's `fd_advise` right.
pub const FD_ADVISE: u64 = 1 << 7;
/// WASI's `fd_allocate` right.
pub const FD_ALLOCATE: u64 = 1 << 8;
/// WASI's `path_create_directory` right.
pub const PATH_CREATE_DIRECTORY: u64 = 1 << 9;
/// WASI's `path_create_file` right.
pub const PATH_CREATE_FILE: u64 = 1 << 10;
/// WASI's `path_link_source` right.
pub const PATH_LINK_SOURCE: u64 = 1 << 11;
/// WASI's `path_link_target` right.
pub const PATH_LINK_TARGET: u64 = 1 << 12;
/// WASI's `path_open` right.
pub const PATH_OPEN: u64 = 1 << 13;
/// WASI's `fd_readdir` right.
pub const FD_READDIR: u64 = 1 << 14;
/// WASI's `path_readlink` right.
pub const PATH_READLINK: u64 = 1 << 15;
/// WASI's `path_rename_source` right.
pub const PATH_RENAME_SOURCE: u64 = 1 << 16;
/// WASI's `path_rename_target` right.
pub const PATH_RENAME_TARGET: u64 = 1 << 17;
/// WASI's `path_filestat_get` right.
pub const PATH_FILESTAT_GET: u64 = 1 << 18;
/// WASI's `path_filestat_set_size` right.
pub const PATH_FILESTAT_SET_SIZE: u64 = 1 << 19;
/// WASI's `path_filestat_set_times` right.
pub const PATH_FILESTAT_SET_TIMES: u64 = 1 << 20;
/// WASI's `fd_filestat_get` right.
pub const FD_FILESTAT_GET: u64 = 1 << 21;
/// WASI's `fd_filestat_set_size` right.
pub const FD_FILESTAT_SET_SIZE: u64 = 1 << 22;
/// WASI's `fd_filestat_set_times` right.
pub const FD_FILESTAT_SET_TIMES: u64 = 1 << 23;
/// WASI's `path_symlink` right.
pub const PATH_SYMLINK: u64 = 1 << 24;
/// WASI's `path_remove_directory` right.
pub const PATH_REMOVE_DIRECTORY: u64 = 1 << 25;
/// WASI's `path_unlink_file` right.
pub const PATH_UNLINK_FILE: u64 = 1 << 26;
/// WASI's `poll_fd_readwrite` right.
pub const POLL_FD_READWRITE: u64 = 1 << 27;
/// WASI's `sock_shutdown` right.
pub const SOCK_SHUTDOWN: u64 = 1 << 28;
/// WASI's `sock_accept` right.
pub const SOCK_ACCEPT: u64 = 1 << 29;

/// What any stream may attempt. Seeking, syncing and resizing are allowed to be tried, so
/// that a program gets the answer a pipe gives under POSIX (`ESPIPE`, `EINVAL`) rather
/// than `ENOTCAPABLE`.
const STREAM: u64 = FD_SEEK
    | FD_TELL
    | FD_SYNC
    | FD_DATASYNC
    | FD_ADVISE
    | FD_ALLOCATE
    | FD_FDSTAT_SET_FLAGS
    | FD_FILESTAT_GET
    | FD_FILESTAT_SET_SIZE
    | FD_FILESTAT_SET_TIMES
    | POLL_FD_READWRITE;
/// Every right that changes a file or a directory: what a read-only preopen withholds.
pub const WRITES: u64 = FD_WRITE
    | FD_ALLOCATE
    | FD_FILESTAT_SET_SIZE
    | FD_FILESTAT_SET_TIMES
    | PATH_CREATE_DIRECTORY
    | PATH_CREATE_FILE
    | PATH_LINK_SOURCE
    | PATH_LINK_TARGET
    | PATH_RENAME_SOURCE
    | PATH_RENAME_TARGET
    | PATH_FILESTAT_SET_SIZE
    | PATH_FILESTAT_SET_TIMES
    | PATH_SYMLINK
    | PATH_REMOVE_DIRECTORY
    | PATH_UNLINK_FILE;

/// The rights of an input stream (stdin).
pub const INPUT_STREAM: u64 = STREAM | FD_READ;
/// The rights of an output stream (stdout, stderr).
pub const OUTPUT_STREAM: u64 = STREAM | FD_WRITE;

/// Every right that means something for a regular file.
pub const REGULAR_FILE: u64 = FD_DATASYNC
    | FD_READ
    | FD_SEEK
    | FD_FDSTAT_SET_FLAGS
    | FD_SYNC
    | FD_TELL
    | FD_WRITE
    | FD_ADVISE
    | FD_ALLOCATE
    | FD_FILESTAT_GET
    | FD_FILESTAT_SET_SIZE
    | FD_FILESTAT_SET_TIMES
    | POLL_FD_READWRITE;

/// Every right that means something for a directory.
pub const DIRECTORY: u64 = FD_FDSTAT_SET_FLAGS
    | FD_SYNC
    | FD_DATASYNC
    | PATH_CREATE_DIRECTORY
    | PATH_CREATE_FILE
    | PATH_LINK_SOURCE
    | PATH_LINK_TARGET
    | PATH_OPEN
    | FD_READDIR
    | PATH_READLINK
    | PATH_RENAME_SOURCE
    | PATH_RENAME_TARGET
    | PATH_FILESTAT_GET
    | PATH_FILESTAT_SET_SIZE
    | PATH_FILESTAT_SET_TIMES
    | FD_FILESTAT_GET
    | FD_FILESTAT_SET_TIMES
    | PATH_SYMLINK
    | PATH_REMOVE_DIRECTORY
    | PATH_UNLINK_FILE;
