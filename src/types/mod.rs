//! The CNI data types: spec versions, results of every spec version and the conversions
//! between them, the CNI error object, and the identifier rules libcni enforces.

pub mod error;
pub mod ident;
pub mod result;
pub mod version;
