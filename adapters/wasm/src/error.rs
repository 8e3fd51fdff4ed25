//! How a plugin call fails, sorted for the caller: the deadline, the fuel and the memory cap are
//! the plugin's budget running out; a trap is the plugin's own failure; an invalid plugin never
//! ran.

use std::time::Duration;

use maxai_ports::call::PortError;

/// Why a plugin could not be loaded or a call failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PluginError {
    /// The component does not compile, or lacks what was asked of it.
    #[error("plugin `{plugin}` is invalid: {message}")]
    Invalid {
        /// The plugin.
        plugin: String,
        /// What is wrong.
        message: String,
    },
    /// The call ran past its deadline and was stopped.
    #[error("plugin `{plugin}` ran past its deadline of {} ms", deadline.as_millis())]
    Deadline {
        /// The plugin.
        plugin: String,
        /// The deadline it had.
        deadline: Duration,
    },
    /// The call burned its whole fuel budget.
    #[error("plugin `{plugin}` used up its fuel budget of {budget}")]
    OutOfFuel {
        /// The plugin.
        plugin: String,
        /// The budget it had.
        budget: u64,
    },
    /// The plugin tried to grow its memory past the cap.
    #[error("plugin `{plugin}` tried to use more than {limit_bytes} bytes of memory")]
    MemoryLimit {
        /// The plugin.
        plugin: String,
        /// The cap.
        limit_bytes: usize,
    },
    /// The plugin trapped (a panic, `unreachable`, an out-of-bounds access).
    #[error("plugin `{plugin}` failed: {message}")]
    Trap {
        /// The plugin.
        plugin: String,
        /// The trap.
        message: String,
    },
}

impl From<PluginError> for PortError {
    fn from(error: PluginError) -> Self {
        match error {
            PluginError::Deadline { .. } => PortError::Timeout,
            other => PortError::Adapter { message: other.to_string() },
        }
    }
}
