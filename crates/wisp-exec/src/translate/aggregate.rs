//! Structs and arrays: the GC proposal's `struct.*` and `array.*` instructions.
//! Spec: <https://webassembly.github.io/spec/core/valid/instructions.html#aggregate-instructions>
//!
//! An instruction with more operands than a row holds finds them in consecutive cells
//! from `base`, put there as a call's arguments are (`prepare_call`).

use super::{TResult, TranslateError, Translator};
use crate::ir::{field, DataIdx, ElemIdx, Op, TypeIdx};
use alloc::vec::Vec;
use wisp_parse::wasmparser::Operator;
use wisp_types::{CompositeType, FieldType, RefType, StorageType, ValType};

/// The type of a struct or array reference, as far as cells go.
const OBJECT: ValType = ValType::Ref(RefType::ANYREF);

impl Translator<'_> {
    /// The fields of struct type `ty`.
    fn struct_fields(&self, ty: u32) -> Result<&[FieldType], TranslateError> {
        match self.module.types.get(ty as usize).map(|t| &t.composite) {
            Some(CompositeType::Struct(f)) => Ok(f),
            _ => Err(TranslateError::Unknown("struct type")),
        }
    }

    /// The element type of array type `ty`.
    fn array_element(&self, ty: u32) -> Result<FieldType, TranslateError> {
        match self.module.types.get(ty as usize).map(|t| &t.composite) {
            Some(CompositeType::Array(f)) => Ok(*f),
            _ => Err(TranslateError::Unknown("array type")),
        }
    }

    /// Whether `op` moves a `v128` through the stack, so that the function must be
    /// translated wide.
    pub(super) fn aggregate_needs_wide(&self, op: &Operator<'_>) -> bool {
        let v128 = |s: StorageType| s == StorageType::Val(ValType::V128);
        let field = |t: u32, f: u32| {
            self.struct_fields(t)
                .ok()
                .and_then(|fs| fs.get(f as usize))
                .is_some_and(|f| v128(f.storage))
        };
        let element = |t: u32| self.array_element(t).is_ok_and(|f| v128(f.storage));
        match *op {
            Operator::StructNew { struct_type_index } => self
                .struct_fields(struct_type_index)
                .is_ok_and(|fs| fs.iter().any(|f| v128(f.storage))),
            Operator::StructGet {
                struct_type_index,
                field_index,
            }
            | Operator::StructSet {
                struct_type_index,
                field_index,
            } => field(struct_type_index, field_index),
            Operator::ArrayNew { array_type_index }
            | Operator::ArrayNewFixed {
                array_type_index, ..
            }
            | Operator::ArrayGet { array_type_index }
            | Operator::ArraySet { array_type_index }
            | Operator::ArrayFill { array_type_index } => element(array_type_index),
            _ => false,
        }
    }

    /// Translates `op` if it is a struct or array instruction; `None` if it is not.
    pub(super) fn visit_aggregate(&mut self, op: &Operator<'_>) -> Option<TResult> {
        Some(match *op {
            Operator::StructNew { struct_type_index } => self.visit_struct_new(struct_type_index),
            Operator::StructNewDefault { struct_type_index } => {
                let (pos, ty) = (self.stack.len(), TypeIdx(struct_type_index));
                let dst = self.slot(pos);
                self.push_result(Op::StructNewDefault { dst, ty });
                self.safepoint(pos)
            }
            Operator::StructGet {
                struct_type_index,
                field_index,
            } => self.visit_struct_get(struct_type_index, field_index, false),
            Operator::StructGetS {
                struct_type_index,
                field_index,
            } => self.visit_struct_get(struct_type_index, field_index, true),
            Operator::StructGetU {
                struct_type_index,
                field_index,
            } => self.visit_struct_get(struct_type_index, field_index, false),
            Operator::StructSet {
                struct_type_index,
                field_index,
            } => self.visit_struct_set(struct_type_index, field_index),
            Operator::ArrayNew { array_type_index } => self.visit_array_new(array_type_index),
            Operator::ArrayNewDefault { array_type_index } => {
                let ty = TypeIdx(array_type_index);
                self.unary(|dst, len| Op::ArrayNewDefault { dst, len, ty })
                    .and_then(|()| self.safepoint(self.stack.len() - 1))
            }
            Operator::ArrayNewFixed {
                array_type_index,
                array_size,
            } => self.visit_array_new_fixed(array_type_index, array_size),
            Operator::ArrayNewData {
                array_type_index,
                array_data_index,
            } => self.with_base(&[ValType::I32; 2], true, |base| Op::ArrayNewData {
                base,
                ty: TypeIdx(array_type_index),
                data: DataIdx(array_data_index),
            }),
            Operator::ArrayNewElem {
                array_type_index,
                array_elem_index,
            } => self.with_base(&[ValType::I32; 2], true, |base| Op::ArrayNewElem {
                base,
                ty: TypeIdx(array_type_index),
                elem: ElemIdx(array_elem_index),
            }),
            Operator::ArrayGet { .. } => {
                self.binary(|dst, arr, idx| Op::ArrayGet { dst, arr, idx })
            }
            Operator::ArrayGetS { .. } => {
                self.binary(|dst, arr, idx| Op::ArrayGetS { dst, arr, idx })
            }
            Operator::ArrayGetU { .. } => {
                self.binary(|dst, arr, idx| Op::ArrayGetU { dst, arr, idx })
            }
            Operator::ArraySet { .. } => self.pop3().map(|(arr, idx, src)| {
                self.emit(Op::ArraySet { arr, idx, src });
            }),
            Operator::ArrayLen => self.unary(|dst, arr| Op::ArrayLen { dst, arr }),
            Operator::ArrayFill { array_type_index } => {
                match self.array_element(array_type_index) {
                    Ok(e) => {
                        let v = e.storage.unpacked();
                        let params = [OBJECT, ValType::I32, v, ValType::I32];
                        self.with_base(&params, false, |base| Op::ArrayFill { base })
                    }
                    Err(e) => Err(e),
                }
            }
            Operator::ArrayCopy { .. } => {
                let params = [OBJECT, ValType::I32, OBJECT, ValType::I32, ValType::I32];
                self.with_base(&params, false, |base| Op::ArrayCopy { base })
            }
            Operator::ArrayInitData {
                array_data_index, ..
            } => {
                let params = [OBJECT, ValType::I32, ValType::I32, ValType::I32];
                self.with_base(&params, false, |base| Op::ArrayInitData {
                    base,
                    data: DataIdx(array_data_index),
                })
            }
            Operator::ArrayInitElem {
                array_elem_index, ..
            } => {
                let params = [OBJECT, ValType::I32, ValType::I32, ValType::I32];
                self.with_base(&params, false, |base| Op::ArrayInitElem {
                    base,
                    elem: ElemIdx(array_elem_index),
                })
            }
            _ => return None,
        })
    }

    /// An instruction whose operands, of types `params`, are read from consecutive
    /// cells at `base`; it leaves a reference there if `result`.
    fn with_base(
        &mut self,
        params: &[ValType],
        result: bool,
        make: impl FnOnce(crate::ir::Slot) -> Op<crate::ir::InstrIdx>,
    ) -> TResult {
        let results: &[ValType] = if result { &[OBJECT] } else { &[] };
        // An allocation may collect while its operands are still in their cells, so
        // they are among its roots.
        let head = if result {
            self.materialize_top(params.len())?;
            Some(self.ref_head(self.stack.len())?)
        } else {
            None
        };
        let base = self.prepare_call(params, results)?;
        self.emit(make(base));
        if let Some(head) = head {
            self.safepoint_with(head)?;
        }
        self.unpack_results(base, results);
        Ok(())
    }

    fn visit_struct_new(&mut self, ty: u32) -> TResult {
        let params: Vec<ValType> = self
            .struct_fields(ty)?
            .iter()
            .map(|f| f.storage.unpacked())
            .collect();
        let cells = params.iter().map(|t| t.cells() as u32).sum();
        self.with_base(&params, true, |base| Op::StructNew {
            base,
            ty: TypeIdx(ty),
            cells,
        })
    }

    /// The operand that names field `index` of struct type `ty`, read signed or not.
    fn field_operand(&self, ty: u32, index: u32, signed: bool) -> Result<u32, TranslateError> {
        let (cell, storage) = wisp_store::gc::layout::field_cell(self.struct_fields(ty)?, index)
            .ok_or(TranslateError::Unknown("field"))?;
        let mode = match (storage, signed) {
            (StorageType::I8, true) => field::S8,
            (StorageType::I8, false) => field::U8,
            (StorageType::I16, true) => field::S16,
            (StorageType::I16, false) => field::U16,
            (StorageType::Val(ValType::V128), _) => field::V128,
            _ => field::CELL,
        };
        if cell >= 1 << 28 {
            return Err(TranslateError::Unknown("field"));
        }
        Ok(field::encode(cell, mode))
    }

    fn visit_struct_get(&mut self, ty: u32, index: u32, signed: bool) -> TResult {
        let field = self.field_operand(ty, index, signed)?;
        self.unary(|dst, obj| Op::StructGet { dst, obj, field })
    }

    fn visit_struct_set(&mut self, ty: u32, index: u32) -> TResult {
        let field = self.field_operand(ty, index, false)?;
        let (_, src) = self.pop_read()?;
        let (_, obj) = self.pop_read()?;
        self.emit(Op::StructSet { obj, src, field });
        Ok(())
    }

    fn visit_array_new(&mut self, ty: u32) -> TResult {
        let v = self.array_element(ty)?.storage.unpacked();
        let wide = (v == ValType::V128) as u32;
        self.with_base(&[v, ValType::I32], true, |base| Op::ArrayNew {
            base,
            ty: TypeIdx(ty),
            wide,
        })
    }

    fn visit_array_new_fixed(&mut self, ty: u32, len: u32) -> TResult {
        let v = self.array_element(ty)?.storage.unpacked();
        let mut params = Vec::new();
        params
            .try_reserve_exact(len as usize)
            .map_err(|_| TranslateError::BranchTableOutOfMemory)?;
        params.resize(len as usize, v);
        let cells = len
            .checked_mul(v.cells() as u32)
            .ok_or(TranslateError::Unknown("array length"))?;
        self.with_base(&params, true, |base| Op::ArrayNewFixed {
            base,
            ty: TypeIdx(ty),
            cells,
        })
    }
}
