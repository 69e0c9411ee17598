//! The code build.rs generates from mappings/ (enums, perfect-hash tables, taxonomy data).
//!
//! See `psp-status-build` for the generator; this module only includes its output.

use crate::entry::{Entry, Head, Matcher};
use crate::field::Field;
use crate::table::{ProviderInfo, Slot, SurfaceTable};
use crate::taxonomy::{CodeInfo, Retry};
use crate::Matched;

include!(concat!(env!("OUT_DIR"), "/tables.rs"));
