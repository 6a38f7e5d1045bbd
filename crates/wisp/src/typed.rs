//! Statically typed calls: argument and result types checked once, not per call.

use crate::context::{AsContext, AsContextMut};
use crate::error::Error;
use crate::func::Func;
use crate::val::Val;
use alloc::vec::Vec;
use core::marker::PhantomData;
use wisp_types::{RawVal, ValType, F32, F64};

/// A Rust type that is a Wasm value type.
pub trait WasmTy: Sized {
    /// The Wasm type.
    const TY: ValType;
    /// The value as a [`Val`].
    fn into_val(self) -> Val;
    /// The value, if `v` is of this type.
    fn from_val(v: Val) -> Option<Self>;
    /// Whether the type is a number (`i32`, `i64`, `f32`, `f64`): a typed call then
    /// passes the value as the 64-bit cell the operand stack holds (see
    /// [`WasmTy::to_bits`]) instead of as a [`Val`].
    #[doc(hidden)]
    const NUMBER: bool = false;
    /// The value's cell, when [`WasmTy::NUMBER`]: an `i32` or `f32` in the low 32
    /// bits, a float as its IEEE 754 bits.
    #[doc(hidden)]
    fn to_bits(self) -> u64 {
        number_bits(self.into_val())
    }
    /// The value a cell holds, when [`WasmTy::NUMBER`].
    #[doc(hidden)]
    fn from_bits(bits: u64) -> Option<Self> {
        Self::from_val(number_from_bits(bits, Self::TY)?)
    }
}

/// A number's cell (zero for anything else, which no cell is asked of).
fn number_bits(v: Val) -> u64 {
    match v {
        Val::I32(x) => x as u32 as u64,
        Val::I64(x) => x as u64,
        Val::F32(x) => x.0 as u64,
        Val::F64(x) => x.0,
        _ => 0,
    }
}

/// The number of type `ty` a cell holds.
fn number_from_bits(bits: u64, ty: ValType) -> Option<Val> {
    Some(match ty {
        ValType::I32 => Val::I32(bits as u32 as i32),
        ValType::I64 => Val::I64(bits as i64),
        ValType::F32 => Val::F32(F32(bits as u32)),
        ValType::F64 => Val::F64(F64(bits)),
        _ => return None,
    })
}

macro_rules! wasm_ty {
    ($($t:ty => $vt:ident, $into:expr, $from:pat => $out:expr, $bits:expr, $of_bits:expr;)*) => {$(
        impl WasmTy for $t {
            const TY: ValType = ValType::$vt;
            const NUMBER: bool = true;
            #[allow(clippy::redundant_closure_call)]
            fn to_bits(self) -> u64 {
                ($bits)(self)
            }
            #[allow(clippy::redundant_closure_call)]
            fn from_bits(bits: u64) -> Option<Self> {
                Some(($of_bits)(bits))
            }
            fn into_val(self) -> Val {
                #[allow(clippy::redundant_closure_call)]
                ($into)(self)
            }
            fn from_val(v: Val) -> Option<Self> {
                match v {
                    $from => Some($out),
                    _ => None,
                }
            }
        }
    )*};
}
wasm_ty! {
    i32 => I32, Val::I32, Val::I32(x) => x,
        |x: i32| x as u32 as u64, |b: u64| b as u32 as i32;
    u32 => I32, |x: u32| Val::I32(x as i32), Val::I32(x) => x as u32,
        |x: u32| x as u64, |b: u64| b as u32;
    i64 => I64, Val::I64, Val::I64(x) => x,
        |x: i64| x as u64, |b: u64| b as i64;
    u64 => I64, |x: u64| Val::I64(x as i64), Val::I64(x) => x as u64,
        |x: u64| x, |b: u64| b;
    f32 => F32, |x: f32| Val::F32(F32::from_float(x)), Val::F32(x) => x.to_float(),
        |x: f32| x.to_bits() as u64, |b: u64| f32::from_bits(b as u32);
    f64 => F64, |x: f64| Val::F64(F64::from_float(x)), Val::F64(x) => x.to_float(),
        |x: f64| x.to_bits(), f64::from_bits;
}

/// Parameter lists: a single value type or a tuple of them.
pub trait WasmParams: Sized {
    /// The Wasm types, in order.
    fn types() -> Vec<ValType>;
    /// The values as [`Val`]s.
    fn into_vals(self) -> Vec<Val>;
    /// How many values there are. The default counts [`WasmParams::types`]; ours
    /// allocate nothing.
    fn count() -> usize {
        Self::types().len()
    }
    /// Writes the values into `out`, which must have room for exactly them (false
    /// otherwise). The default goes through [`WasmParams::into_vals`]; ours allocate
    /// nothing, so that a call of a typed function takes no heap.
    fn write_params(self, out: &mut [Val]) -> bool {
        let vals = self.into_vals();
        if vals.len() != out.len() {
            return false;
        }
        out.copy_from_slice(&vals);
        true
    }
    /// Whether every value is a number ([`WasmTy::NUMBER`]): a typed call then passes
    /// them as the operand stack's cells.
    #[doc(hidden)]
    const NUMBERS: bool = false;
    /// Writes the values' cells into `out`, which has room for exactly them; asked
    /// only of [`WasmParams::NUMBERS`] lists.
    #[doc(hidden)]
    fn write_cells(self, out: &mut [RawVal]) {
        let _ = out;
    }
}
/// Result lists: a single value type or a tuple of them.
pub trait WasmResults: Sized {
    /// The Wasm types, in order.
    fn types() -> Vec<ValType>;
    /// How many values there are. The default counts [`WasmResults::types`]; ours
    /// allocate nothing.
    fn count() -> usize {
        Self::types().len()
    }
    /// The values, if `v` has these types.
    fn from_vals(v: &[Val]) -> Option<Self>;
    /// The values as [`Val`]s.
    fn into_vals(self) -> Vec<Val>;
    /// Writes the values into `out`, which must have room for exactly them (false
    /// otherwise). The default goes through [`WasmResults::into_vals`]; ours allocate
    /// nothing, as a host function returning to Wasm should not.
    fn write_vals(self, out: &mut [Val]) -> bool {
        let vals = self.into_vals();
        if vals.len() != out.len() {
            return false;
        }
        out.copy_from_slice(&vals);
        true
    }
    /// Whether every value is a number ([`WasmTy::NUMBER`]): a typed call then reads
    /// them from the operand stack's cells.
    #[doc(hidden)]
    const NUMBERS: bool = false;
    /// The values the cells hold; asked only of [`WasmResults::NUMBERS`] lists.
    #[doc(hidden)]
    fn read_cells(cells: &[RawVal]) -> Option<Self> {
        let _ = cells;
        None
    }
    /// Writes the values' cells into the first of `out`; asked only of
    /// [`WasmResults::NUMBERS`] lists.
    #[doc(hidden)]
    fn write_result_cells(self, out: &mut [RawVal]) {
        let _ = out;
    }
}

impl<A: WasmTy> WasmParams for A {
    fn types() -> Vec<ValType> {
        alloc::vec![A::TY]
    }
    fn into_vals(self) -> Vec<Val> {
        alloc::vec![self.into_val()]
    }
    fn count() -> usize {
        1
    }
    fn write_params(self, out: &mut [Val]) -> bool {
        <A as WasmResults>::write_vals(self, out)
    }
    const NUMBERS: bool = A::NUMBER;
    fn write_cells(self, out: &mut [RawVal]) {
        if let [slot] = out {
            *slot = RawVal(self.to_bits());
        }
    }
}
impl<A: WasmTy> WasmResults for A {
    fn types() -> Vec<ValType> {
        alloc::vec![A::TY]
    }
    fn count() -> usize {
        1
    }
    fn from_vals(v: &[Val]) -> Option<Self> {
        A::from_val(*v.first()?)
    }
    fn into_vals(self) -> Vec<Val> {
        alloc::vec![self.into_val()]
    }
    fn write_vals(self, out: &mut [Val]) -> bool {
        match out {
            [slot] => {
                *slot = self.into_val();
                true
            }
            _ => false,
        }
    }
    const NUMBERS: bool = A::NUMBER;
    fn read_cells(cells: &[RawVal]) -> Option<Self> {
        A::from_bits(cells.first()?.0)
    }
    fn write_result_cells(self, out: &mut [RawVal]) {
        if let Some(slot) = out.first_mut() {
            *slot = RawVal(self.to_bits());
        }
    }
}

macro_rules! tuples {
    ($(($($n:ident $i:tt),*);)*) => {$(
        impl<$($n: WasmTy),*> WasmParams for ($($n,)*) {
            fn types() -> Vec<ValType> {
                alloc::vec![$($n::TY),*]
            }
            #[allow(clippy::unused_unit)]
            fn into_vals(self) -> Vec<Val> {
                alloc::vec![$(self.$i.into_val()),*]
            }
            fn count() -> usize {
                <[usize]>::len(&[$($i),*])
            }
            fn write_params(self, out: &mut [Val]) -> bool {
                <Self as WasmResults>::write_vals(self, out)
            }
            const NUMBERS: bool = true $(&& $n::NUMBER)*;
            #[allow(unused_variables)]
            fn write_cells(self, out: &mut [RawVal]) {
                $(if let Some(slot) = out.get_mut($i) {
                    *slot = RawVal(self.$i.to_bits());
                })*
            }
        }
        impl<$($n: WasmTy),*> WasmResults for ($($n,)*) {
            fn types() -> Vec<ValType> {
                alloc::vec![$($n::TY),*]
            }
            fn count() -> usize {
                <[usize]>::len(&[$($i),*])
            }
            #[allow(unused_variables)]
            fn from_vals(v: &[Val]) -> Option<Self> {
                Some(($($n::from_val(*v.get($i)?)?,)*))
            }
            #[allow(clippy::unused_unit)]
            fn into_vals(self) -> Vec<Val> {
                alloc::vec![$(self.$i.into_val()),*]
            }
            #[allow(unused_variables)]
            fn write_vals(self, out: &mut [Val]) -> bool {
                let n = <[usize]>::len(&[$($i),*]);
                if out.len() != n {
                    return false;
                }
                $(out[$i] = self.$i.into_val();)*
                true
            }
            const NUMBERS: bool = true $(&& $n::NUMBER)*;
            #[allow(unused_variables)]
            fn read_cells(cells: &[RawVal]) -> Option<Self> {
                Some(($($n::from_bits(cells.get($i)?.0)?,)*))
            }
            fn write_result_cells(self, out: &mut [RawVal]) {
                <Self as WasmParams>::write_cells(self, out)
            }
        }
    )*};
}
tuples! {
    ();
    (A 0, B 1);
    (A 0, B 1, C 2);
    (A 0, B 1, C 2, D 3);
    (A 0, B 1, C 2, D 3, E 4);
    (A 0, B 1, C 2, D 3, E 4, F 5);
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6);
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7);
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8);
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9);
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10);
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10, L 11);
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10, L 11, M 12);
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10, L 11, M 12, N 13);
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10, L 11, M 12, N 13, O 14);
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10, L 11, M 12, N 13, O 14, P 15);
}

impl crate::Func {
    /// The function with a static signature, checked here once (wasmtime's `typed`).
    pub fn typed<P: WasmParams, R: WasmResults>(
        &self,
        store: impl AsContext,
    ) -> Result<TypedFunc<P, R>, Error> {
        TypedFunc::new(store.as_context().0, *self)
    }
}

/// A function whose signature was checked against `P` and `R`.
pub struct TypedFunc<P, R> {
    func: Func,
    _sig: PhantomData<fn(P) -> R>,
}

/// A handle, copied like [`Func`] whatever `P` and `R` are.
impl<P, R> Clone for TypedFunc<P, R> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<P, R> Copy for TypedFunc<P, R> {}

impl<P: WasmParams, R: WasmResults> TypedFunc<P, R> {
    /// `func` with the signature `P -> R`, if that is its type.
    pub fn new<T>(store: impl AsContext<Data = T>, func: Func) -> Result<Self, Error> {
        let store = store.as_context().0;
        func.0.check(store.id)?;
        let ty = func.ty_cow(store);
        if ty.params() != P::types().as_slice() || ty.results() != R::types().as_slice() {
            return Err(Error::Usage(message!(
                "function type {ty} does not match the requested signature"
            )));
        }
        Ok(TypedFunc {
            func,
            _sig: PhantomData,
        })
    }
    /// The function, untyped.
    pub fn func(&self) -> Func {
        self.func
    }
    /// Calls the function with `params`.
    pub fn call<T>(&self, mut store: impl AsContextMut<Data = T>, params: P) -> Result<R, Error> {
        let store = store.as_context_mut().0;
        let mismatch = || Error::Usage("result type mismatch".into());
        // On the host's stack when they are few: a call takes no heap. Four, as a
        // device's stack pays for each (a `Val` is 16 to 24 bytes).
        const INLINE: usize = 4;
        let (n, m) = (P::count(), R::count());
        if P::NUMBERS && R::NUMBERS && n <= INLINE && m <= INLINE {
            // Numbers go as the operand stack's cells: no `Val` is packed or unpacked
            // (on a device, the conversions of every type are then not linked).
            let mut args = [RawVal(0); INLINE];
            let mut out = [RawVal(0); INLINE];
            params.write_cells(&mut args[..n]);
            self.func.call_typed(store, &args[..n], &mut out[..m])?;
            return R::read_cells(&out[..m]).ok_or_else(mismatch);
        }
        if n <= INLINE && m <= INLINE {
            let mut args = [Val::I32(0); INLINE];
            let mut out = [Val::I32(0); INLINE];
            if !params.write_params(&mut args[..n]) {
                return Err(Error::Usage("argument count mismatch".into()));
            }
            self.func.call_typed(store, &args[..n], &mut out[..m])?;
            return R::from_vals(&out[..m]).ok_or_else(mismatch);
        }
        let args = params.into_vals();
        let mut out: Vec<Val> = R::types().into_iter().map(Val::default_of).collect();
        self.func.call_typed(store, &args, &mut out)?;
        R::from_vals(&out).ok_or_else(mismatch)
    }
}
