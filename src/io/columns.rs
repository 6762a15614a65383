//! Canonical padrón columns and how agency headers map onto them.

use std::fmt;

macro_rules! columns {
    ($($variant:ident $name:literal $doc:literal,)*) => {
        /// A canonical padrón column (padron-schema.md).
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        #[non_exhaustive]
        pub enum Column {
            $(
                #[doc = $doc]
                $variant,
            )*
        }

        impl Column {
            /// Every canonical column, in schema order.
            pub const ALL: &'static [Column] = &[$(Column::$variant,)*];

            /// The canonical header name (lower case, as in the schema).
            pub fn name(self) -> &'static str {
                match self { $(Column::$variant => $name,)* }
            }

            /// From a canonical header name, exactly as spelled in the schema.
            pub fn from_name(name: &str) -> Option<Column> {
                match name { $($name => Some(Column::$variant),)* _ => None }
            }
        }
    };
}

columns! {
    RecordId "record_id" "The agency's id of the row, unique in the file.",
    Curp "curp" "The person's CURP.",
    Nombre "nombre" "Given name(s).",
    PrimerApellido "primer_apellido" "First (paternal) surname.",
    SegundoApellido "segundo_apellido" "Second (maternal) surname.",
    Sexo "sexo" "Sex: H/M/X or HOMBRE/MUJER (other codes need an explicit mapping).",
    FechaNacimiento "fecha_nacimiento" "Birth date.",
    EntidadNacimiento "entidad_nacimiento" "State of birth: RENAPO code or INEGI number.",
    CveEntidad "cve_entidad" "INEGI state key of residence (2 digits).",
    CveMunicipio "cve_municipio" "INEGI municipality key of residence (3 digits).",
    CveLocalidad "cve_localidad" "INEGI locality key of residence (4 digits).",
    CvePrograma "cve_programa" "Program key.",
    Monto "monto" "Benefit amount.",
    FechaAlta "fecha_alta" "Date the benefit started.",
}

/// Number of canonical columns.
pub const COLUMN_COUNT: usize = Column::ALL.len();

impl Column {
    /// Position of this column in [`Column::ALL`].
    pub fn index(self) -> usize {
        // ALL lists every variant once, in declaration order, and the
        // variants have no explicit discriminants: the discriminant is the
        // position (checked by `canonical_names_round_trip`).
        self as usize
    }

    /// The canonical column an agency header maps to by itself: the
    /// canonical name compared case-insensitively and without accents,
    /// blanks and punctuation read as `_`, plus a few spellings common in
    /// Mexican government exports (`APELLIDO PATERNO`, `FECHA DE NACIMIENTO`,
    /// `NOMBRE(S)`…). Anything else needs an explicit `--col` mapping.
    pub fn recognize(header: &str) -> Option<Column> {
        let key = header_key(header);
        if let Some(c) = Column::from_name(&key) {
            return Some(c);
        }
        let c = match key.as_str() {
            "id" | "folio" | "id_registro" | "id_beneficiario" | "rec_id" => Column::RecordId,
            "nombres" | "nombre_s" | "nombre_beneficiario" => Column::Nombre,
            "apellido_paterno" | "paterno" | "ap_paterno" | "primer_ap" => Column::PrimerApellido,
            "apellido_materno" | "materno" | "ap_materno" | "segundo_ap" => Column::SegundoApellido,
            "sexo_beneficiario" | "genero" => Column::Sexo,
            "fecha_de_nacimiento" | "fec_nac" | "fecha_nac" => Column::FechaNacimiento,
            "entidad_de_nacimiento" | "estado_nacimiento" | "estado_de_nacimiento" | "ent_nac" => {
                Column::EntidadNacimiento
            }
            "fecha_de_alta" => Column::FechaAlta,
            _ => return None,
        };
        Some(c)
    }
}

impl fmt::Display for Column {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A header reduced for comparison: lower case ASCII, accents removed, every
/// run of other characters turned into one `_`, no leading or trailing `_`.
pub(crate) fn header_key(header: &str) -> String {
    let mut out = String::with_capacity(header.len());
    let mut pending_sep = false;
    for ch in header.chars() {
        let folded = match ch {
            'á' | 'à' | 'ä' | 'â' | 'Á' | 'À' | 'Ä' | 'Â' => 'a',
            'é' | 'è' | 'ë' | 'ê' | 'É' | 'È' | 'Ë' | 'Ê' => 'e',
            'í' | 'ì' | 'ï' | 'î' | 'Í' | 'Ì' | 'Ï' | 'Î' => 'i',
            'ó' | 'ò' | 'ö' | 'ô' | 'Ó' | 'Ò' | 'Ö' | 'Ô' => 'o',
            'ú' | 'ù' | 'ü' | 'û' | 'Ú' | 'Ù' | 'Ü' | 'Û' => 'u',
            'ñ' | 'Ñ' => 'n',
            c if c.is_ascii_alphanumeric() => c.to_ascii_lowercase(),
            _ => {
                pending_sep = true;
                continue;
            }
        };
        if pending_sep && !out.is_empty() {
            out.push('_');
        }
        pending_sep = false;
        out.push(folded);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_names_round_trip() {
        for &c in Column::ALL {
            assert_eq!(Column::from_name(c.name()), Some(c));
            assert_eq!(Column::recognize(&c.name().to_uppercase()), Some(c));
            assert_eq!(Column::ALL[c.index()], c);
        }
    }

    #[test]
    fn agency_spellings() {
        assert_eq!(Column::recognize("CURP"), Some(Column::Curp));
        assert_eq!(
            Column::recognize("Primer Apellido"),
            Some(Column::PrimerApellido)
        );
        assert_eq!(
            Column::recognize("APELLIDO PATERNO"),
            Some(Column::PrimerApellido)
        );
        assert_eq!(
            Column::recognize("Fecha de Nacimiento"),
            Some(Column::FechaNacimiento)
        );
        assert_eq!(Column::recognize("NOMBRE(S)"), Some(Column::Nombre));
        assert_eq!(Column::recognize("  Sexo "), Some(Column::Sexo));
        assert_eq!(
            Column::recognize("Entidad_Nacimiento"),
            Some(Column::EntidadNacimiento)
        );
        assert_eq!(Column::recognize("GÉNERO"), Some(Column::Sexo));
        assert_eq!(Column::recognize("NOMBRE_BENEF"), None);
        assert_eq!(Column::recognize("domicilio"), None);
    }
}
