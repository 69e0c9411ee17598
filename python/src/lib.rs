//! The native module of the `psp_status` Python package (`psp_status._native`).
//!
//! Scalar lookups ([`classify`], [`resolve`], [`explain`]) return small frozen objects; the
//! Arrow functions hand pyarrow arrays (zero-copy, through the Arrow C data interface) to the
//! `psp-status-arrow` kernel with the GIL released. The Python-facing documentation lives in
//! `psp_status/__init__.py` and the `.pyi` stubs.

use arrow_array::{ArrayRef, RecordBatch};
use psp_status::reference::Explanation as RsExplanation;
use psp_status::{Classification as RsClassification, Field, Lang, Provider, Surface};
use psp_status_arrow::{align_chunks, Encoding, Given, Input, Output, Signal};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyString};
use pyo3_arrow::input::AnyArray;
use pyo3_arrow::{PyRecordBatch, PyTable};
use strum::IntoEnumIterator;

/// The answer for one value (see `psp_status.Classification`).
#[pyclass(frozen, get_all, module = "psp_status", name = "Classification")]
struct Classification {
    provider: &'static str,
    surface: &'static str,
    raw: Py<PyAny>,
    state: &'static str,
    code: &'static str,
    operation: Option<&'static str>,
    matched: &'static str,
    retry: &'static str,
    shopper_message: &'static str,
    agent_action: &'static str,
    description: &'static str,
    source: Option<&'static str>,
    anchor: Option<&'static str>,
    lang: &'static str,
}

#[pymethods]
impl Classification {
    fn __repr__(&self) -> String {
        format!(
            "Classification(provider='{}', surface='{}', state='{}', code='{}', operation={}, matched='{}')",
            self.provider,
            self.surface,
            self.state,
            self.code,
            self.operation.map_or("None".to_string(), |o| format!("'{o}'")),
            self.matched
        )
    }
}

/// One value explained for a support agent (see `psp_status.Explanation`).
#[pyclass(frozen, get_all, module = "psp_status", name = "Explanation")]
struct Explanation {
    classification: Py<Classification>,
    in_tables: bool,
    text: String,
}

#[pymethods]
impl Explanation {
    fn __str__(&self) -> &str {
        &self.text
    }
    fn __repr__(&self) -> String {
        format!("Explanation({})", self.classification.get().__repr__())
    }
}

fn valid<T: IntoEnumIterator + Into<&'static str>>(it: impl Iterator<Item = T>) -> String {
    it.map(|v| v.into()).collect::<Vec<&str>>().join(", ")
}

fn provider_of(name: &str) -> PyResult<Provider> {
    name.parse().map_err(|_| {
        PyValueError::new_err(format!(
            "unknown provider {name:?}; valid providers: {}",
            valid(Provider::iter())
        ))
    })
}

fn field_of(provider: Provider, name: &str) -> PyResult<Field> {
    provider.field(name).map_err(|_| {
        PyValueError::new_err(format!(
            "unknown surface {name:?} for provider {provider}; valid surfaces: {}",
            provider
                .precedence()
                .iter()
                .map(|f| f.name())
                .collect::<Vec<_>>()
                .join(", ")
        ))
    })
}

fn lang_of(lang: &str) -> PyResult<Lang> {
    lang.parse()
        .map_err(|_| PyValueError::new_err(format!("unknown language {lang:?}; valid: en, fr")))
}

/// A raw value given as `str` or `bytes`, as bytes.
enum Raw {
    Text(String),
    Bytes(Vec<u8>),
}

impl Raw {
    fn of(v: &Bound<'_, PyAny>) -> PyResult<Self> {
        if let Ok(s) = v.cast::<PyString>() {
            Ok(Raw::Text(s.to_str()?.to_owned()))
        } else if let Ok(b) = v.cast::<PyBytes>() {
            Ok(Raw::Bytes(b.as_bytes().to_vec()))
        } else {
            Err(pyo3::exceptions::PyTypeError::new_err(format!(
                "a raw value must be str or bytes, not {}",
                v.get_type().name()?
            )))
        }
    }
    fn bytes(&self) -> &[u8] {
        match self {
            Raw::Text(s) => s.as_bytes(),
            Raw::Bytes(b) => b,
        }
    }
    fn to_py(&self, py: Python<'_>) -> Py<PyAny> {
        match self {
            Raw::Text(s) => PyString::new(py, s).into_any().unbind(),
            Raw::Bytes(b) => PyBytes::new(py, b).into_any().unbind(),
        }
    }
}

fn to_py(py: Python<'_>, c: &RsClassification<'_>, raw: &Raw, lang: Lang) -> Classification {
    Classification {
        provider: c.provider.into(),
        surface: c.surface.into(),
        raw: raw.to_py(py),
        state: c.state.into(),
        code: c.code.into(),
        operation: c.operation.map(Into::into),
        matched: c.matched.into(),
        retry: c.retry().into(),
        shopper_message: c.code.shopper_message(lang),
        agent_action: c.code.agent_action(),
        description: c.description(),
        source: c.source(),
        anchor: c.entry().map(|e| e.anchor()),
        lang: match lang {
            Lang::En => "en",
            Lang::Fr => "fr",
        },
    }
}

#[pyfunction]
#[pyo3(signature = (provider, surface, raw, *, lang = "en"))]
fn classify(
    py: Python<'_>,
    provider: &str,
    surface: &str,
    raw: &Bound<'_, PyAny>,
    lang: &str,
) -> PyResult<Classification> {
    let p = provider_of(provider)?;
    let f = field_of(p, surface)?;
    let lang = lang_of(lang)?;
    let raw = Raw::of(raw)?;
    let c = psp_status::classify_bytes(f, raw.bytes());
    Ok(to_py(py, &c, &raw, lang))
}

#[pyfunction]
#[pyo3(signature = (provider, signals, *, lang = "en"))]
fn resolve(
    py: Python<'_>,
    provider: &str,
    signals: &Bound<'_, PyDict>,
    lang: &str,
) -> PyResult<Classification> {
    let p = provider_of(provider)?;
    let lang = lang_of(lang)?;
    let mut given: Vec<(Field, Raw)> = Vec::with_capacity(signals.len());
    for (k, v) in signals.iter() {
        let name: String = k.extract()?;
        given.push((field_of(p, &name)?, Raw::of(&v)?));
    }
    let pairs: Vec<(Field, &[u8])> = given.iter().map(|(f, r)| (*f, r.bytes())).collect();
    let c = p
        .resolve_bytes(&pairs)
        .map_err(|e| PyValueError::new_err(e.to_string()))?;
    // The winner's raw value, as the caller gave it (str or bytes).
    let empty = Raw::Text(String::new());
    let raw = given
        .iter()
        .find(|(f, r)| f.surface() == c.surface && std::ptr::eq(r.bytes(), c.raw))
        .map(|(_, r)| r)
        .unwrap_or(&empty);
    Ok(to_py(py, &c, raw, lang))
}

#[pyfunction]
#[pyo3(signature = (provider, surface, raw, *, lang = "en"))]
fn explain(
    py: Python<'_>,
    provider: &str,
    surface: &str,
    raw: &Bound<'_, PyAny>,
    lang: &str,
) -> PyResult<Explanation> {
    let p = provider_of(provider)?;
    let f = field_of(p, surface)?;
    let l = lang_of(lang)?;
    let raw = Raw::of(raw)?;
    let c = psp_status::classify_bytes(f, raw.bytes());
    let x = RsExplanation::new(c, l);
    Ok(Explanation {
        classification: Py::new(py, to_py(py, &c, &raw, l))?,
        in_tables: x.in_tables(),
        text: x.to_string(),
    })
}

/// A name argument of the Arrow functions: one name for every row, or a column.
enum NameArg {
    Fixed(String),
    Column(Vec<ArrayRef>, bool),
}

/// An Arrow array (one chunk) or chunked array / stream (its chunks, and `true`).
fn chunks_of(v: &Bound<'_, PyAny>, what: &str) -> PyResult<(Vec<ArrayRef>, bool)> {
    let any: AnyArray = v.extract().map_err(|e| {
        PyValueError::new_err(format!(
            "{what}: expected a pyarrow Array or ChunkedArray (or any object with \
             __arrow_c_array__ / __arrow_c_stream__): {e}"
        ))
    })?;
    Ok(match any {
        AnyArray::Array(a) => (vec![a.into_inner().0], false),
        AnyArray::Stream(s) => (s.into_chunked_array()?.into_inner().0, true),
    })
}

fn name_arg(v: &Bound<'_, PyAny>, what: &str) -> PyResult<NameArg> {
    if let Ok(s) = v.cast::<PyString>() {
        return Ok(NameArg::Fixed(s.to_str()?.to_owned()));
    }
    let (c, chunked) = chunks_of(v, what)?;
    Ok(NameArg::Column(c, chunked))
}

/// Runs the kernel over aligned slices of every column, with the GIL released.
fn run_arrow(
    py: Python<'_>,
    provider: NameArg,
    signals: Vec<(NameArg, Vec<ArrayRef>, bool)>,
    dictionary: bool,
) -> PyResult<Py<PyAny>> {
    let encoding = if dictionary {
        Encoding::Dictionary
    } else {
        Encoding::Plain
    };
    let fixed_provider = match &provider {
        NameArg::Fixed(n) => Some(provider_of(n)?),
        NameArg::Column(..) => None,
    };
    // Columns in order: provider (if a column), then per signal its surface (if a column) and
    // its raw values.
    let mut columns: Vec<Vec<ArrayRef>> = Vec::new();
    let mut labels: Vec<String> = Vec::new();
    let mut chunked = false;
    if let NameArg::Column(c, ch) = provider {
        chunked |= ch;
        columns.push(c);
        labels.push("provider".into());
    }
    let mut fixed_surfaces = Vec::new();
    let one = signals.len() == 1;
    for (surface, raw, ch) in signals {
        chunked |= ch;
        let name = match &surface {
            NameArg::Fixed(n) if !one => format!("signal {n:?}"),
            _ => "raw".to_string(),
        };
        match surface {
            NameArg::Fixed(n) => {
                let s: Surface = match fixed_provider {
                    Some(p) => field_of(p, &n)?.surface(),
                    None => n.parse().map_err(|_| {
                        PyValueError::new_err(format!(
                            "unknown surface {n:?}; valid surfaces: {}",
                            valid(Surface::iter())
                        ))
                    })?,
                };
                fixed_surfaces.push(Some(s));
            }
            NameArg::Column(c, ch) => {
                chunked |= ch;
                columns.push(c);
                labels.push("surface".into());
                fixed_surfaces.push(None);
            }
        }
        columns.push(raw);
        labels.push(name);
    }
    // Every column must have the raw values' length: say which one does not.
    let len = |c: &[ArrayRef]| c.iter().map(|a| a.len()).sum::<usize>();
    let rows = columns.last().map_or(0, |c| len(c));
    if let Some(i) = columns.iter().position(|c| len(c) != rows) {
        return Err(PyValueError::new_err(format!(
            "{} has {} rows, {} has {rows}",
            labels[i],
            len(&columns[i]),
            labels[labels.len() - 1]
        )));
    }
    let result: Result<Vec<RecordBatch>, psp_status_arrow::Error> = py.detach(|| {
        let refs: Vec<&[ArrayRef]> = columns.iter().map(|c| &c[..]).collect();
        let parts = align_chunks(&refs)?;
        parts
            .iter()
            .map(|part| {
                let mut cols = part.iter();
                let provider = match fixed_provider {
                    Some(p) => Given::Fixed(p),
                    None => Given::Column(cols.next().expect("provider column").as_ref()),
                };
                let signals = fixed_surfaces
                    .iter()
                    .map(|s| {
                        let surface = match s {
                            Some(s) => Given::Fixed(*s),
                            None => Given::Column(cols.next().expect("surface column").as_ref()),
                        };
                        Signal {
                            surface,
                            raw: cols.next().expect("raw column").as_ref(),
                        }
                    })
                    .collect();
                psp_status_arrow::classify(&Input { provider, signals }, encoding)
                    .map(Output::into_record_batch)
            })
            .collect()
    });
    let batches = result.map_err(|e| PyValueError::new_err(e.to_string()))?;
    if chunked {
        let table = PyTable::try_new(batches, Output::schema(encoding))?;
        Ok(table.into_pyarrow(py)?.unbind())
    } else {
        let batch = match batches.into_iter().next() {
            Some(b) => b,
            None => RecordBatch::new_empty(Output::schema(encoding)),
        };
        Ok(PyRecordBatch::new(batch).into_pyarrow(py)?.unbind())
    }
}

#[pyfunction]
#[pyo3(signature = (provider, surface, raw, *, dictionary = true))]
fn classify_arrow(
    py: Python<'_>,
    provider: &Bound<'_, PyAny>,
    surface: &Bound<'_, PyAny>,
    raw: &Bound<'_, PyAny>,
    dictionary: bool,
) -> PyResult<Py<PyAny>> {
    let provider = name_arg(provider, "provider")?;
    let surface = name_arg(surface, "surface")?;
    let (raw, chunked) = chunks_of(raw, "raw")?;
    run_arrow(py, provider, vec![(surface, raw, chunked)], dictionary)
}

#[pyfunction]
#[pyo3(signature = (provider, signals, *, dictionary = true))]
fn resolve_arrow(
    py: Python<'_>,
    provider: &Bound<'_, PyAny>,
    signals: &Bound<'_, PyDict>,
    dictionary: bool,
) -> PyResult<Py<PyAny>> {
    if signals.is_empty() {
        return Err(PyValueError::new_err(
            "resolve_arrow needs at least one signal",
        ));
    }
    let provider = name_arg(provider, "provider")?;
    let mut sigs = Vec::with_capacity(signals.len());
    for (k, v) in signals.iter() {
        let name: String = k.extract()?;
        let (raw, chunked) = chunks_of(&v, &format!("signal {name:?}"))?;
        sigs.push((NameArg::Fixed(name), raw, chunked));
    }
    run_arrow(py, provider, sigs, dictionary)
}

#[pyfunction]
fn providers() -> Vec<&'static str> {
    Provider::iter().map(Into::into).collect()
}

#[pyfunction]
fn surfaces(provider: &str) -> PyResult<Vec<&'static str>> {
    Ok(provider_of(provider)?
        .precedence()
        .iter()
        .map(|f| f.name())
        .collect())
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("TABLE_VERSION", psp_status::TABLE_VERSION)?;
    m.add("TABLE_DIGEST", psp_status::TABLE_DIGEST)?;
    m.add_class::<Classification>()?;
    m.add_class::<Explanation>()?;
    m.add_function(wrap_pyfunction!(classify, m)?)?;
    m.add_function(wrap_pyfunction!(resolve, m)?)?;
    m.add_function(wrap_pyfunction!(explain, m)?)?;
    m.add_function(wrap_pyfunction!(classify_arrow, m)?)?;
    m.add_function(wrap_pyfunction!(resolve_arrow, m)?)?;
    m.add_function(wrap_pyfunction!(providers, m)?)?;
    m.add_function(wrap_pyfunction!(surfaces, m)?)?;
    Ok(())
}
