//! `args_*` and `environ_*`: lists of NUL-terminated strings.

use super::{memory, ret, GetCtx};
use crate::mem::GuestMemory;
use crate::{Errno, WasiCtx, MODULE};
use alloc::vec::Vec;
use wisp::{Caller, Linker};

/// Writes `list` as preview1 does: pointers into `ptrs`, the strings packed into `buf`.
fn write_list<T>(
    caller: &mut Caller<'_, T>,
    list: &[Vec<u8>],
    ptrs: u32,
    buf: u32,
) -> Result<(), Errno> {
    let m = memory(caller)?;
    let mut mem = GuestMemory::new(m, caller.store());
    // Pointer arithmetic is checked: wrapping past 4 GiB would write at low addresses.
    let (mut ptr, mut at) = (ptrs, buf);
    for s in list {
        mem.write_u32(ptr, at)?;
        mem.write(at, s)?;
        let nul = at.checked_add(s.len() as u32).ok_or(Errno::Fault)?;
        mem.write(nul, &[0])?;
        at = nul.checked_add(1).ok_or(Errno::Fault)?;
        ptr = ptr.checked_add(4).ok_or(Errno::Fault)?;
    }
    Ok(())
}

/// Writes the number of strings and the bytes they need, NULs included.
fn write_sizes<T>(
    caller: &mut Caller<'_, T>,
    list: &[Vec<u8>],
    count: u32,
    size: u32,
) -> Result<(), Errno> {
    let bytes: usize = list.iter().map(|s| s.len() + 1).sum();
    let m = memory(caller)?;
    let mut mem = GuestMemory::new(m, caller.store());
    mem.write_u32(count, list.len() as u32)?;
    mem.write_u32(size, u32::try_from(bytes).map_err(|_| Errno::Overflow)?)
}

/// Which list of the context a pair of functions serves.
type List = fn(&WasiCtx) -> &Vec<Vec<u8>>;

pub(super) fn define<T: 'static>(
    linker: &mut Linker<T>,
    get: GetCtx<T>,
) -> Result<(), wisp::Error> {
    // Arguments and environment variables are both lists of strings, served alike.
    let lists: [(&str, &str, List); 2] = [
        ("args_get", "args_sizes_get", |ctx| &ctx.args),
        ("environ_get", "environ_sizes_get", |ctx| &ctx.env),
    ];
    for (list_fn, sizes_fn, which) in lists {
        linker.func_wrap(
            MODULE,
            list_fn,
            move |mut c: Caller<'_, T>, ptrs: u32, buf: u32| {
                let list = which(get(c.data_mut())).clone();
                ret(write_list(&mut c, &list, ptrs, buf))
            },
        )?;
        linker.func_wrap(
            MODULE,
            sizes_fn,
            move |mut c: Caller<'_, T>, n: u32, size: u32| {
                let list = which(get(c.data_mut())).clone();
                ret(write_sizes(&mut c, &list, n, size))
            },
        )?;
    }
    Ok(())
}
