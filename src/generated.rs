//! The code build.rs generates from mappings/ (enums, perfect-hash tables, taxonomy data).
//!
//! See `psp-status-build` for the generator; this module only includes its output.

use crate::entry::{Entry, Matcher};
use crate::field::Field;
use crate::table::{ProviderInfo, Slot, SurfaceTable};
use crate::taxonomy::{CodeInfo, Retry};

include!(concat!(env!("OUT_DIR"), "/tables.rs"));
