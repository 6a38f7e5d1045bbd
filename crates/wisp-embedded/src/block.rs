//! Storage read and written in fixed-size blocks.

use alloc::vec;
use alloc::vec::Vec;

/// A device that stores fixed-size blocks: an SD card, SPI flash behind a wear-levelling
/// layer, or a [`RamDisk`] in tests.
///
/// Where the target has threads it must be `Send`, as the store holding its memory may
/// move.
pub trait BlockDevice: wisp_store::sync::MaybeSend {
    /// Bytes per block: a power of two, the unit of every transfer.
    fn block_size(&self) -> usize;
    /// Blocks on the device.
    fn block_count(&self) -> u32;
    /// Fills `buf` (one block) with block `index`.
    fn read_block(&mut self, index: u32, buf: &mut [u8]) -> Result<(), DeviceError>;
    /// Stores `buf` (one block) as block `index`.
    fn write_block(&mut self, index: u32, buf: &[u8]) -> Result<(), DeviceError>;
}

/// The device failed; a Wasm access that needed it traps with "memory device error".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeviceError;

impl core::fmt::Display for DeviceError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("the block device failed")
    }
}

impl core::error::Error for DeviceError {}

/// A block device in RAM that counts its transfers, for tests and measurements.
#[derive(Debug, Clone)]
pub struct RamDisk {
    block_size: usize,
    data: Vec<u8>,
    /// Blocks read and written so far.
    pub reads: u64,
    /// Blocks written.
    pub writes: u64,
    /// Fail every transfer from now on (to test the error path).
    pub broken: bool,
}

impl RamDisk {
    /// `blocks` blocks of `block_size` bytes, filled with a pattern that is not zero, as a
    /// real card's leftover data would be.
    pub fn new(block_size: usize, blocks: u32) -> Self {
        assert!(
            block_size.is_power_of_two(),
            "block size must be a power of two"
        );
        RamDisk {
            block_size,
            data: vec![0xA5; block_size * blocks as usize],
            reads: 0,
            writes: 0,
            broken: false,
        }
    }

    fn block(&mut self, index: u32) -> Result<&mut [u8], DeviceError> {
        let start = index as usize * self.block_size;
        match self.data.get_mut(start..start + self.block_size) {
            Some(b) if !self.broken => Ok(b),
            _ => Err(DeviceError),
        }
    }
}

impl BlockDevice for RamDisk {
    fn block_size(&self) -> usize {
        self.block_size
    }
    fn block_count(&self) -> u32 {
        (self.data.len() / self.block_size) as u32
    }
    fn read_block(&mut self, index: u32, buf: &mut [u8]) -> Result<(), DeviceError> {
        buf.copy_from_slice(self.block(index)?);
        self.reads += 1;
        Ok(())
    }
    fn write_block(&mut self, index: u32, buf: &[u8]) -> Result<(), DeviceError> {
        self.block(index)?.copy_from_slice(buf);
        self.writes += 1;
        Ok(())
    }
}
