//! Padrón CSV reading.
