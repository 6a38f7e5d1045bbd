//! The WebAssembly features Wisp knows, and how they map onto wasmparser's.

use wasmparser::WasmFeatures as W;

/// A set of WebAssembly proposals. The default is WebAssembly 2.0 as far as Wisp
/// implements it; anything outside the set makes a module invalid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Features {
    pub mutable_global: bool,
    pub saturating_float_to_int: bool,
    pub sign_extension: bool,
    pub multi_value: bool,
    pub bulk_memory: bool,
    pub reference_types: bool,
    pub simd: bool,
    /// Memories with 1-byte pages (the custom-page-sizes proposal), for devices whose RAM
    /// cannot hold a 64 KiB page. Off by default: it is not part of a standard yet.
    pub custom_page_sizes: bool,
}

/// The default is WebAssembly 2.0.
impl Default for Features {
    fn default() -> Self {
        Features::wasm2()
    }
}

impl Features {
    /// WebAssembly 1.0, which took in the import and export of mutable globals.
    pub const fn mvp() -> Self {
        Features {
            mutable_global: true,
            saturating_float_to_int: false,
            sign_extension: false,
            multi_value: false,
            bulk_memory: false,
            reference_types: false,
            simd: false,
            custom_page_sizes: false,
        }
    }

    /// WebAssembly 2.0.
    pub const fn wasm2() -> Self {
        Features {
            mutable_global: true,
            saturating_float_to_int: true,
            sign_extension: true,
            multi_value: true,
            bulk_memory: true,
            reference_types: true,
            simd: true,
            custom_page_sizes: false,
        }
    }

    pub fn to_wasmparser(self) -> W {
        // Always on: features of the encoding that every engine accepts.
        let mut w = W::FLOATS | W::GC_TYPES;
        for (on, flag) in [
            (self.mutable_global, W::MUTABLE_GLOBAL),
            (self.saturating_float_to_int, W::SATURATING_FLOAT_TO_INT),
            (self.sign_extension, W::SIGN_EXTENSION),
            (self.multi_value, W::MULTI_VALUE),
            (self.bulk_memory, W::BULK_MEMORY),
            (self.reference_types, W::REFERENCE_TYPES),
            (self.simd, W::SIMD),
            (self.custom_page_sizes, W::CUSTOM_PAGE_SIZES),
        ] {
            if on {
                w |= flag;
            }
        }
        w
    }
}
