//! What one call may use, and the limiter that enforces the memory cap inside the store.

use std::time::Duration;

/// The budget of one plugin call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CallLimits {
    /// Wall-clock time the call may take (default 5 s).
    pub deadline: Duration,
    /// Fuel (roughly, wasm instructions) the call may burn; what it burns is reported for
    /// metering.
    pub fuel: u64,
    /// Largest linear memory, in bytes (default 64 MiB).
    pub memory_bytes: usize,
}

impl Default for CallLimits {
    fn default() -> Self {
        Self { deadline: Duration::from_secs(5), fuel: 2_000_000_000, memory_bytes: 64 << 20 }
    }
}

/// Most table elements a plugin may have.
const MAX_TABLE_ELEMENTS: usize = 20_000;

/// Enforces the memory cap and remembers that it refused, so that the failure that follows (a
/// trap in the guest, usually) is reported as the memory limit it is.
pub(crate) struct Limiter {
    memory_bytes: usize,
    pub(crate) refused_memory: bool,
}

impl Limiter {
    pub(crate) fn new(memory_bytes: usize) -> Self {
        Self { memory_bytes, refused_memory: false }
    }
}

impl wasmtime::ResourceLimiter for Limiter {
    fn memory_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        let allowed = desired <= self.memory_bytes;
        self.refused_memory |= !allowed;
        Ok(allowed)
    }

    fn table_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        Ok(desired <= MAX_TABLE_ELEMENTS)
    }
}
