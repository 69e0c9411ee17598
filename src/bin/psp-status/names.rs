//! Parsing provider and surface names, with usage errors that list the valid names.

use crate::CliError;
use psp_status::{Field, Provider};
use strum::IntoEnumIterator;

/// The provider named `name` (ASCII case-insensitive).
pub fn provider(name: &str) -> Result<Provider, CliError> {
    name.parse::<Provider>().map_err(|_| {
        let valid: Vec<&str> = Provider::iter().map(Into::into).collect();
        CliError::Usage(format!(
            "unknown provider `{name}`; valid providers: {}",
            valid.join(", ")
        ))
    })
}

/// The field of `provider` named `name` (a surface wire name such as `payment.state`).
pub fn field(provider: Provider, name: &str) -> Result<Field, CliError> {
    provider.field(name).map_err(|_| {
        let valid: Vec<&str> = provider.fields().iter().map(|f| f.name()).collect();
        CliError::Usage(format!(
            "unknown surface `{name}` for provider {}; valid surfaces: {}",
            <&str>::from(provider),
            valid.join(", ")
        ))
    })
}
