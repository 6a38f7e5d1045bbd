//! Functions: calling Wasm from the host, and host functions called from Wasm.

use crate::context::{AsContext, AsContextMut};
use crate::drive::drive;
use crate::error::{Error, FrameInfo};
use crate::externals::{Extern, Instance};
use crate::handle::Stored;
use crate::store::Store;
use crate::val::{Owner, Val};
use alloc::borrow::Cow;
use alloc::string::String;
use alloc::vec::Vec;
use wisp_exec::{Stack, TraceFrame};
use wisp_store::{FuncInst, FuncKind};
use wisp_types::sync::{MaybeSendSync, Shared};
use wisp_types::{FuncAddr, FuncType, RawVal, TrapCode, ValType};

/// A host function's closure, shared by the linker's definition and every store that
/// made a function of it. Public only as a part of [`crate::IntoFunc`], and unnameable
/// outside the crate.
#[doc(hidden)]
pub enum HostFunc<T> {
    /// One that takes and returns [`Val`]s.
    Vals(ValsFn<T>),
    /// A wrapped closure of numbers only ([`crate::WasmTy::NUMBER`]): it reads its
    /// arguments from the operand stack's cells and writes its results over them, with
    /// no conversion to [`Val`]s and back. It gets the first `cells` of the frame
    /// (its parameters' or its results', whichever are more).
    Cells { f: CellsFn<T>, cells: usize },
}

impl<T> HostFunc<T> {
    /// Tells the closure apart from every other living one (its address).
    pub(crate) fn key(&self) -> usize {
        match self {
            HostFunc::Vals(f) => Shared::as_ptr(f) as *const () as usize,
            HostFunc::Cells { f, .. } => Shared::as_ptr(f) as *const () as usize,
        }
    }
}

impl<T> Clone for HostFunc<T> {
    fn clone(&self) -> Self {
        match self {
            HostFunc::Vals(f) => HostFunc::Vals(f.clone()),
            HostFunc::Cells { f, cells } => HostFunc::Cells {
                f: f.clone(),
                cells: *cells,
            },
        }
    }
}

/// [`HostFunc::Vals`]'s closure.
#[cfg(target_has_atomic = "ptr")]
pub(crate) type ValsFn<T> =
    Shared<dyn Fn(Caller<'_, T>, &[Val], &mut [Val]) -> Result<(), Error> + Send + Sync>;
/// [`HostFunc::Vals`]'s closure.
#[cfg(not(target_has_atomic = "ptr"))]
pub(crate) type ValsFn<T> = Shared<dyn Fn(Caller<'_, T>, &[Val], &mut [Val]) -> Result<(), Error>>;
/// [`HostFunc::Cells`]'s closure.
#[cfg(target_has_atomic = "ptr")]
pub(crate) type CellsFn<T> =
    Shared<dyn Fn(Caller<'_, T>, &mut [RawVal]) -> Result<(), Error> + Send + Sync>;
/// [`HostFunc::Cells`]'s closure.
#[cfg(not(target_has_atomic = "ptr"))]
pub(crate) type CellsFn<T> = Shared<dyn Fn(Caller<'_, T>, &mut [RawVal]) -> Result<(), Error>>;

/// A function in a store: Wasm code or a host closure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Func(pub(crate) Stored<FuncAddr>);

/// A host function's view of the store while it runs.
pub struct Caller<'a, T> {
    pub(crate) store: &'a mut Store<T>,
    pub(crate) instance: Option<Instance>,
}

impl<T> Caller<'_, T> {
    /// The store's embedder data.
    pub fn data(&self) -> &T {
        self.store.data()
    }
    /// The store's embedder data, mutably.
    pub fn data_mut(&mut self) -> &mut T {
        self.store.data_mut()
    }
    /// An export of the calling instance (for example its memory).
    pub fn get_export(&self, name: &str) -> Option<Extern> {
        self.instance?.get_export(&*self.store, name)
    }
    /// The whole store.
    pub fn store(&mut self) -> &mut Store<T> {
        self.store
    }
}

impl Func {
    /// A host function of type `ty`. It receives its arguments and fills in its results.
    pub fn new<T: 'static>(
        mut store: impl AsContextMut<Data = T>,
        ty: FuncType,
        f: impl Fn(Caller<'_, T>, &[Val], &mut [Val]) -> Result<(), Error> + MaybeSendSync + 'static,
    ) -> Func {
        let store = store.as_context_mut().0;
        Func::from_host(store, ty, HostFunc::Vals(Shared::new(f)))
    }

    /// A function in `store` running the closure `f`, shared with a linker's definition.
    /// The first one installs host calls in the store: only a program that makes host
    /// functions links them.
    pub(crate) fn from_host<T>(store: &mut Store<T>, ty: FuncType, f: HostFunc<T>) -> Func {
        let index = store.hosts.len() as u32;
        store.hosts.push(f);
        store.call_host = Some(call_host::<T>);
        let type_id = store.inner.types.register_func(&ty);
        let count = |ts: &[ValType]| ts.iter().map(|t| t.cells() as u32).sum::<u32>();
        let cells = count(ty.params()).max(count(ty.results()));
        let addr = store.inner.alloc_func(FuncInst {
            type_id,
            kind: FuncKind::Host { index, cells },
        });
        Func(Stored::new(store.id, addr))
    }

    /// The function's type. Panics if the function belongs to another store.
    pub fn ty<T>(&self, store: impl AsContext<Data = T>) -> FuncType {
        let store = store.as_context().0;
        store.inner.func_type(self.0.get(store.id))
    }

    /// The function's type (its store checked by the caller), borrowed unless it names a
    /// defined type: its shape in the
    /// registry is then the type itself, and nothing is built or allocated (a call on a
    /// device should not take heap). Without the `gc` feature no function names one
    /// (such modules and images are refused), and the building is not linked.
    pub(crate) fn ty_cow<'s, T>(&self, store: &'s Store<T>) -> Cow<'s, FuncType> {
        let shape = store.inner.func_shape(self.0.index);
        let typed_refs = cfg!(feature = "gc")
            && shape.params().iter().chain(shape.results()).any(
                |t| matches!(t, ValType::Ref(r) if matches!(r.heap, wisp_types::HeapType::Def(..))),
            );
        if typed_refs {
            Cow::Owned(self.ty(store))
        } else {
            Cow::Borrowed(shape)
        }
    }

    /// Calls the function. `results` must have room for exactly its results.
    // Always inlined, and its body never: out of line, this signature would take
    // arguments from the stack on an AVR (see `CallValues`).
    #[inline(always)]
    pub fn call<T>(
        &self,
        mut store: impl AsContextMut<Data = T>,
        params: &[Val],
        results: &mut [Val],
    ) -> Result<(), Error> {
        let store = store.as_context_mut().0;
        self.call_with(store, &mut CallValues { params, results })
    }

    /// [`Func::call`]'s body, its slices behind one pointer (see [`CallValues`]).
    #[inline(never)]
    fn call_with<T>(
        &self,
        store: &mut Store<T>,
        vals: &mut CallValues<'_, Val>,
    ) -> Result<(), Error> {
        self.check_call(store, vals.params, vals.results)?;
        self.call_checked(store, vals)
    }

    /// [`Func::call`] with arguments and room for results whose types are already known
    /// to be the function's (a [`crate::TypedFunc`]'s, checked when it was made): only
    /// the store is checked, and references' stores as they are written. The values are
    /// [`Val`]s, or for numbers the operand stack's own cells (see [`CallValue`]).
    #[inline(always)]
    pub(crate) fn call_typed<T, V: CallValue>(
        &self,
        store: &mut Store<T>,
        params: &[V],
        results: &mut [V],
    ) -> Result<(), Error> {
        self.0.check(store.id)?;
        self.call_checked(store, &mut CallValues { params, results })
    }

    #[inline(never)]
    fn call_checked<T, V: CallValue>(
        &self,
        store: &mut Store<T>,
        vals: &mut CallValues<'_, V>,
    ) -> Result<(), Error> {
        // A call from inside a host function gets a stack of its own.
        let fresh = Stack::new(store.engine.config.stack);
        let mut stack = core::mem::replace(&mut store.stack, fresh);
        let r = self.call_on(store, &mut stack, vals.params, vals.results);
        stack.reset();
        store.stack = stack;
        r
    }

    fn call_on<T, V: CallValue>(
        &self,
        store: &mut Store<T>,
        stack: &mut Stack,
        params: &[V],
        results: &mut [V],
    ) -> Result<(), Error> {
        V::write(stack, params, store.owner())?;
        drive(store, stack, Some(self.0.index), false)?;
        // The shape is enough to read values back: a reference needs only its kind.
        let shape = store.inner.func_shape(self.0.index);
        V::read(stack, shape.results(), results, &store.owner());
        Ok(())
    }

    /// Checks `params` and `results` against the function's type. Allocates nothing
    /// unless a parameter is a reference to a defined type (a call on a device should
    /// not take heap).
    pub(crate) fn check_call<T>(
        &self,
        store: &Store<T>,
        params: &[Val],
        results: &[Val],
    ) -> Result<(), Error> {
        self.0.check(store.id)?;
        let ty = &*self.ty_cow(store);
        if params.len() != ty.params().len()
            || params
                .iter()
                .zip(ty.params())
                .any(|(v, t)| !v.matches_ty(store, *t))
        {
            return Err(Error::Usage(message!(
                "arguments do not match the function's type {ty}"
            )));
        }
        if results.len() != ty.results().len() {
            return Err(Error::Usage(message!(
                "expected room for {count} results",
                count = ty.results().len()
            )));
        }
        Ok(())
    }
}

/// The arguments and the room for the results of [`Func::call`], passed by reference.
///
/// On an AVR, a function's arguments get 18 bytes of registers (r25 down to r8) and the
/// rest goes on the stack, where LLVM miscompiles them for the parts whose return
/// address is 3 bytes (atmega2560/2561): its AVR backend places incoming stack
/// arguments as if the return address took 2 (`AVRFrameLowering` is built with a fixed
/// local-area offset of -2 on every device), so the callee reads each one a byte below
/// where the caller wrote it. Out of line, `call` would need 20 bytes (2 for the result's
/// address, 8 for `self`, whose two `u32`s LLVM's argument promotion passes instead of
/// the reference, 2 for `store` and 4 for each slice): since `Func` carries its store's
/// id, the length of `results` arrived as garbage. Behind one pointer (to four values,
/// which argument promotion leaves alone) they need 14. `cargo xtask avr` checks that
/// no function of the firmware reads arguments from the stack.
struct CallValues<'a, V> {
    params: &'a [V],
    results: &'a mut [V],
}

/// How a call's arguments and results are given: as [`Val`]s, or as the operand
/// stack's cells, which a typed call of numbers writes and reads directly (it needs
/// neither the conversions of references nor the store's heap, and a device that makes
/// only such calls does not link them).
pub(crate) trait CallValue: Sized {
    /// Writes `vals` into the stack's first cells.
    fn write(stack: &mut Stack, vals: &[Self], store: Owner<'_>) -> Result<(), Error>;
    /// Reads results of `types` back from the stack's first cells into `out`.
    fn read(stack: &mut Stack, types: &[ValType], out: &mut [Self], store: &Owner<'_>);
}

impl CallValue for Val {
    fn write(stack: &mut Stack, vals: &[Val], store: Owner<'_>) -> Result<(), Error> {
        write_packed(stack, 0, vals, store)
    }
    fn read(stack: &mut Stack, types: &[ValType], out: &mut [Val], store: &Owner<'_>) {
        read_packed(stack, 0, types, out, store)
    }
}

/// A number's cell: every type it can hold (`i32`, `i64`, `f32`, `f64`) takes one.
impl CallValue for RawVal {
    fn write(stack: &mut Stack, vals: &[RawVal], _: Owner<'_>) -> Result<(), Error> {
        let cells = stack
            .cells(0, vals.len())
            .ok_or_else(|| Error::Trap(crate::Trap::new(TrapCode::StackOverflow)))?;
        cells.copy_from_slice(vals);
        Ok(())
    }
    fn read(stack: &mut Stack, _: &[ValType], out: &mut [RawVal], _: &Owner<'_>) {
        // The results were written there, so the cells exist.
        if let Some(cells) = stack.cells(0, out.len()) {
            out.copy_from_slice(cells);
        }
    }
}

/// [`call_host`] for a store's data type.
pub(crate) type CallHost<T> =
    fn(&mut Store<T>, &mut Stack, FuncAddr, u32, usize) -> Result<(), Error>;

/// [`Func::from_host`] for a store's data type. A linker's host definitions hold it, so
/// that a program that defines none does not link host functions.
pub(crate) type MakeHost<T> = fn(&mut Store<T>, FuncType, HostFunc<T>) -> Func;

/// Runs host function `host_index` on the arguments in cells `base..` and writes its
/// results there.
fn call_host<T>(
    store: &mut Store<T>,
    stack: &mut Stack,
    func: FuncAddr,
    host_index: u32,
    base: usize,
) -> Result<(), Error> {
    let instance = calling_instance(store, stack);
    match store.hosts.get(host_index as usize).cloned() {
        Some(HostFunc::Cells { f, cells }) => {
            // `enter` made room for them.
            let cells = stack
                .cells(base, cells)
                .ok_or_else(|| Error::Trap(crate::Trap::new(TrapCode::StackOverflow)))?;
            f(Caller { store, instance }, cells)
        }
        Some(HostFunc::Vals(f)) => call_host_vals(store, stack, func, &f, base, instance),
        None => Err(Error::msg(
            "a host call of a function the store does not hold",
        )),
    }
}

/// [`call_host`] of a closure on [`Val`]s. Up to [`INLINE_VALS`] parameters and results
/// are passed without allocating: a Wasm loop calling the host should cost a call, not
/// two `Vec`s. Out of line, so that those buffers take stack only during such a call: on
/// a device every call into Wasm would otherwise carry them.
#[inline(never)]
fn call_host_vals<T>(
    store: &mut Store<T>,
    stack: &mut Stack,
    func: FuncAddr,
    f: &ValsFn<T>,
    base: usize,
    instance: Option<Instance>,
) -> Result<(), Error> {
    let ty = store.inner.func_shape(func);
    let (np, nr) = (ty.params().len(), ty.results().len());
    let at = (func, base);
    if np > INLINE_VALS || nr > INLINE_VALS {
        let (mut args, mut out) = (alloc::vec![Val::I32(0); np], alloc::vec![Val::I32(0); nr]);
        return run_on_vals(store, stack, at, f, instance, &mut args, &mut out);
    }
    let mut args = [Val::I32(0); INLINE_VALS];
    let mut out = [Val::I32(0); INLINE_VALS];
    let (args, out) = (&mut args[..np], &mut out[..nr]);
    run_on_vals(store, stack, at, f, instance, args, out)
}

/// Runs `f` for host function `at.0` with its frame at cell `at.1`: reads its arguments
/// into `args`, gives it `out` (as many as its parameters and results) for its results,
/// and writes those back.
fn run_on_vals<T>(
    store: &mut Store<T>,
    stack: &mut Stack,
    (func, base): (FuncAddr, usize),
    f: &ValsFn<T>,
    instance: Option<Instance>,
    args: &mut [Val],
    out: &mut [Val],
) -> Result<(), Error> {
    let ty = store.inner.func_shape(func);
    let held = roots(store);
    read_packed(stack, base, ty.params(), args, &store.owner());
    let params_held = held..roots(store);
    for (v, t) in out.iter_mut().zip(ty.results()) {
        *v = Val::default_of(*t);
    }
    let r = f(Caller { store, instance }, args, out);
    // The parameters are held only for the call (they are on the Wasm stack too).
    release(store, params_held);
    r?;
    write_results(store, stack, func, base, out)
}

/// The host's holds on heap objects now (see `AnyRef`); none without objects.
fn roots<T>(store: &Store<T>) -> usize {
    if cfg!(any(feature = "gc", feature = "exceptions")) {
        store.inner.heap.roots()
    } else {
        0
    }
}

/// Lets go of the holds `held`.
fn release<T>(store: &mut Store<T>, held: core::ops::Range<usize>) {
    if cfg!(any(feature = "gc", feature = "exceptions")) {
        store.inner.heap.remove_roots(held);
    }
}

/// Parameters and results passed on the host's stack; more go in `Vec`s.
const INLINE_VALS: usize = 8;

/// Checks a host function's results and writes them where its caller expects them.
pub(crate) fn write_results<T>(
    store: &Store<T>,
    stack: &mut Stack,
    func: FuncAddr,
    base: usize,
    out: &[Val],
) -> Result<(), Error> {
    check_results(store, func, out)?;
    write_packed(stack, base, out, store.owner())
}

/// A host function must return what its type says.
fn check_results<T>(store: &Store<T>, func: FuncAddr, out: &[Val]) -> Result<(), Error> {
    let ty = store.inner.func_shape(func);
    if out.iter().any(|v| v.to_core(store.owner()).is_err()) {
        return Err(Error::msg(
            "host function returned a reference that belongs to another store",
        ));
    }
    if out
        .iter()
        .zip(ty.results())
        .any(|(v, t)| !v.matches_ty(store, *t))
    {
        return Err(Error::msg(message!(
            "host function returned values that do not match {ty}"
        )));
    }
    Ok(())
}

/// Values cross the host boundary packed by type: one cell each, two for a `v128`.
/// A reference that belongs to another store than `store` is refused; the cells written
/// before it are never read, as the call or the host call then fails.
pub(crate) fn write_packed(
    stack: &mut Stack,
    base: usize,
    vals: &[Val],
    store: Owner<'_>,
) -> Result<(), Error> {
    let n = vals.iter().map(|v| v.ty().cells()).sum();
    // Only a lent stack too small for the values fails here: others grow.
    let mut cells = stack
        .cells(base, n)
        .ok_or_else(|| Error::Trap(crate::Trap::new(wisp_types::TrapCode::StackOverflow)))?;
    for v in vals {
        let w = v.ty().cells();
        v.to_core(store)?.write_cells(cells);
        cells = &mut cells[w..];
    }
    Ok(())
}

pub(crate) fn read_packed(
    stack: &mut Stack,
    base: usize,
    types: &[ValType],
    out: &mut [Val],
    // By reference: on an AVR the arguments must fit 18 bytes (see `CallValues`).
    store: &Owner<'_>,
) {
    let n = types.iter().map(|t| t.cells()).sum();
    // The results were written there, so the cells exist.
    let Some(cells) = stack.cells(base, n) else {
        return;
    };
    let mut cells: &[_] = cells;
    for (v, t) in out.iter_mut().zip(types) {
        *v = Val::from_core(wisp_types::Val::read_cells(cells, *t), *store);
        cells = &cells[t.cells()..];
    }
}

/// The instance whose code made the host call, for [`Caller::get_export`].
fn calling_instance<T>(store: &Store<T>, stack: &Stack) -> Option<Instance> {
    let addr = stack.current_instance()?;
    Some(Instance(Stored::new(store.id, addr)))
}

/// Names the functions of a trace, and finds where in their code each was.
pub(crate) fn frames<T>(store: &Store<T>, trace: &[TraceFrame]) -> Vec<FrameInfo> {
    // Every allocation may fail here: a trap for want of stack often comes when the
    // heap is spent too, and a device must get its error, not an abort. What does not
    // fit is left out: the whole trace, or a frame's name.
    let mut out = Vec::new();
    if out.try_reserve_exact(trace.len()).is_err() {
        return out;
    }
    for fr in trace {
        let info = match &store.inner.funcs[fr.func.0 as usize].kind {
            FuncKind::Wasm { code, .. } => {
                let m = &code.module.module;
                let idx = m.num_imported_funcs + code.index;
                let at = frame_location(store, fr.func, fr.ip);
                FrameInfo {
                    func_index: idx,
                    name: m.func_name(idx).and_then(copy),
                    module_offset: at.map(|a| a.0),
                    func_offset: at.map(|a| a.1),
                }
            }
            FuncKind::Host { index, .. } => FrameInfo {
                func_index: *index,
                name: copy("<host function>"),
                module_offset: None,
                func_offset: None,
            },
        };
        out.push(info);
    }
    out
}

/// Where a Wasm function was in a trace: the module offset of the instruction, and
/// its offset from the start of the function's body. `None` for a host function or
/// code translated without offsets. Only translated code has offsets (images carry
/// none), so an executor built without the translator leaves the lookup out.
#[cfg(feature = "compile")]
pub(crate) fn frame_location<T>(
    store: &Store<T>,
    func: FuncAddr,
    ip: usize,
) -> Option<(usize, usize)> {
    let FuncKind::Wasm { code, .. } = &store.inner.funcs[func.0 as usize].kind else {
        return None;
    };
    let at = code
        .module
        .translated(code.index as usize)?
        .code_offset(ip)? as usize;
    let body = code.module.module.body_offset(code.index as usize);
    Some((at, at.checked_sub(body)?))
}

/// Without the translator there is no code with offsets.
#[cfg(not(feature = "compile"))]
pub(crate) fn frame_location<T>(_: &Store<T>, _: FuncAddr, _: usize) -> Option<(usize, usize)> {
    None
}

/// `s` copied, if the allocator has room.
fn copy(s: &str) -> Option<String> {
    let mut c = String::new();
    c.try_reserve_exact(s.len()).ok()?;
    c.push_str(s);
    Some(c)
}
