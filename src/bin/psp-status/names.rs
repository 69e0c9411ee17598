//! Parsing provider and surface names, with usage errors that list the valid names.

use crate::CliError;
use psp_status::{Provider, Surface};
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

/// The surface named `name`, which must be one of `provider`'s.
pub fn surface(provider: Provider, name: &str) -> Result<Surface, CliError> {
    match name.parse::<Surface>() {
        Ok(s) if provider.has_surface(s) => Ok(s),
        _ => {
            let valid: Vec<&str> = provider.surfaces().into_iter().map(Into::into).collect();
            Err(CliError::Usage(format!(
                "unknown surface `{name}` for provider {}; valid surfaces: {}",
                <&str>::from(provider),
                valid.join(", ")
            )))
        }
    }
}
