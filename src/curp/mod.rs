//! CURP (Clave Única de Registro de Población): parse, validate, derive.
//!
//! Rules follow RENAPO's instructivos as summarised in the project's
//! `spec/curp.md`; section numbers (§) in comments refer to that document.

mod place;

pub use place::{Sex, State};
