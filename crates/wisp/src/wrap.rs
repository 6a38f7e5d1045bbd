//! Host functions from ordinary Rust closures, their Wasm type taken from the closure's
//! signature: `|a: i32, b: i32| a + b`, or with the caller first,
//! `|caller: Caller<'_, T>, ptr: i32| -> Result<i32, Error> { … }`.

use crate::context::AsContextMut;
use crate::error::Error;
use crate::func::{Caller, CellsFn, Func, HostFunc, ValsFn};
use crate::typed::{WasmResults, WasmTy};
use crate::val::Val;
use wisp_types::sync::{MaybeSendSync, Shared};
use wisp_types::{FuncType, RawVal};

/// What a wrapped closure may return: results, or results and a possible error.
pub trait HostResults {
    /// The Wasm results.
    type Results: WasmResults;
    /// The results, or the error that fails the call.
    fn into_results(self) -> Result<Self::Results, Error>;
}

impl<R: WasmResults> HostResults for R {
    type Results = R;
    fn into_results(self) -> Result<R, Error> {
        Ok(self)
    }
}

/// Any error that converts into [`Error`] (every standard error does) fails the call.
impl<R: WasmResults, E: Into<Error>> HostResults for Result<R, E> {
    type Results = R;
    fn into_results(self) -> Result<R, Error> {
        self.map_err(Into::into)
    }
}

/// A closure that can become a host function. `Params` tells the two shapes apart (with
/// or without a leading [`Caller`]) so that their implementations do not overlap.
pub trait IntoFunc<T, Params, Results>: 'static {
    /// The function's type and the closure that runs it, in no store yet.
    #[doc(hidden)]
    fn into_host(self) -> (FuncType, HostFunc<T>);
}

fn arg<A: WasmTy>(args: &[Val], i: usize) -> Result<A, Error> {
    args.get(i)
        .copied()
        .and_then(A::from_val)
        .ok_or_else(|| Error::msg(message!("argument {i} has the wrong type")))
}

/// Argument `i` from the cells of a closure of numbers ([`HostFunc::Cells`]).
fn cell<A: WasmTy>(cells: &[RawVal], i: usize) -> Result<A, Error> {
    cells
        .get(i)
        .and_then(|c| A::from_bits(c.0))
        .ok_or_else(|| Error::msg(message!("argument {i} has the wrong type")))
}

fn store_results<R: WasmResults>(r: R, out: &mut [Val]) -> Result<(), Error> {
    if r.write_vals(out) {
        Ok(())
    } else {
        Err(Error::msg(
            "host function returned the wrong number of results",
        ))
    }
}

macro_rules! into_func {
    ($(($($a:ident $i:tt),*);)*) => {$(
        impl<T: 'static, F, R, $($a: WasmTy + 'static),*> IntoFunc<T, ($($a,)*), R> for F
        where
            F: Fn($($a),*) -> R + MaybeSendSync + 'static,
            R: HostResults + 'static,
        {
            #[allow(unused_variables)]
            fn into_host(self) -> (FuncType, HostFunc<T>) {
                let ty = FuncType::new([$($a::TY),*], R::Results::types());
                if true $(&& $a::NUMBER)* && R::Results::NUMBERS {
                    let cells = ty.params().len().max(ty.results().len());
                    let f: CellsFn<T> = Shared::new(move |_caller, cells: &mut [RawVal]| {
                        let r = self($(cell::<$a>(cells, $i)?),*).into_results()?;
                        r.write_result_cells(cells);
                        Ok(())
                    });
                    return (ty, HostFunc::Cells { f, cells });
                }
                let f: ValsFn<T> = Shared::new(move |_caller, args: &[Val], out: &mut [Val]| {
                    let r = self($(arg::<$a>(args, $i)?),*).into_results()?;
                    store_results(r, out)
                });
                (ty, HostFunc::Vals(f))
            }
        }

        impl<T: 'static, F, R, $($a: WasmTy + 'static),*> IntoFunc<T, (Caller<'static, T>, $($a,)*), R> for F
        where
            F: Fn(Caller<'_, T>, $($a),*) -> R + MaybeSendSync + 'static,
            R: HostResults + 'static,
        {
            #[allow(unused_variables)]
            fn into_host(self) -> (FuncType, HostFunc<T>) {
                let ty = FuncType::new([$($a::TY),*], R::Results::types());
                if true $(&& $a::NUMBER)* && R::Results::NUMBERS {
                    let cells = ty.params().len().max(ty.results().len());
                    let f: CellsFn<T> = Shared::new(move |caller, cells: &mut [RawVal]| {
                        let r = self(caller, $(cell::<$a>(cells, $i)?),*).into_results()?;
                        r.write_result_cells(cells);
                        Ok(())
                    });
                    return (ty, HostFunc::Cells { f, cells });
                }
                let f: ValsFn<T> = Shared::new(move |caller, args: &[Val], out: &mut [Val]| {
                    let r = self(caller, $(arg::<$a>(args, $i)?),*).into_results()?;
                    store_results(r, out)
                });
                (ty, HostFunc::Vals(f))
            }
        }
    )*};
}
into_func! {
    ();
    (A 0);
    (A 0, B 1);
    (A 0, B 1, C 2);
    (A 0, B 1, C 2, D 3);
    (A 0, B 1, C 2, D 3, E 4);
    (A 0, B 1, C 2, D 3, E 4, G 5);
    (A 0, B 1, C 2, D 3, E 4, G 5, H 6);
    (A 0, B 1, C 2, D 3, E 4, G 5, H 6, I 7);
    (A 0, B 1, C 2, D 3, E 4, G 5, H 6, I 7, J 8);
    (A 0, B 1, C 2, D 3, E 4, G 5, H 6, I 7, J 8, K 9);
    (A 0, B 1, C 2, D 3, E 4, G 5, H 6, I 7, J 8, K 9, L 10);
    (A 0, B 1, C 2, D 3, E 4, G 5, H 6, I 7, J 8, K 9, L 10, M 11);
    (A 0, B 1, C 2, D 3, E 4, G 5, H 6, I 7, J 8, K 9, L 10, M 11, N 12);
    (A 0, B 1, C 2, D 3, E 4, G 5, H 6, I 7, J 8, K 9, L 10, M 11, N 12, O 13);
    (A 0, B 1, C 2, D 3, E 4, G 5, H 6, I 7, J 8, K 9, L 10, M 11, N 12, O 13, P 14);
    (A 0, B 1, C 2, D 3, E 4, G 5, H 6, I 7, J 8, K 9, L 10, M 11, N 12, O 13, P 14, Q 15);
}

impl Func {
    /// A host function from a closure; its Wasm type comes from the closure's signature.
    pub fn wrap<T, Params, Results>(
        mut store: impl AsContextMut<Data = T>,
        f: impl IntoFunc<T, Params, Results>,
    ) -> Func {
        let store = store.as_context_mut().0;
        let (ty, f) = f.into_host();
        Func::from_host(store, ty, f)
    }
}
