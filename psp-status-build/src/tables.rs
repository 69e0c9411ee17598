//! The validated tables: what build.rs generates code from and what `psp-status validate`
//! reports on. Names are resolved to indices into `states`, `codes` and `operations`.

/// Retry advice of a code in a given state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Retry {
    /// Do not retry this attempt.
    Never,
    /// In flight: do not retry, wait for the next update.
    Wait,
    /// Retry the same request later.
    Later,
    /// Retry once the customer has changed something (card, details, authentication).
    AfterCustomerAction,
    /// Verify the real outcome with the provider first.
    AfterVerifying,
}

impl Retry {
    /// The names accepted in taxonomy.yaml, in order.
    ///
    /// ```
    /// assert!(psp_status_build::Retry::NAMES.contains(&"after_verifying"));
    /// ```
    pub const NAMES: [&'static str; 5] = [
        "never",
        "wait",
        "later",
        "after_customer_action",
        "after_verifying",
    ];

    /// Parses a taxonomy.yaml name.
    ///
    /// ```
    /// use psp_status_build::Retry;
    /// assert_eq!(Retry::from_name("later"), Some(Retry::Later));
    /// assert_eq!(Retry::from_name("soon"), None);
    /// ```
    pub fn from_name(name: &str) -> Option<Retry> {
        Some(match name {
            "never" => Retry::Never,
            "wait" => Retry::Wait,
            "later" => Retry::Later,
            "after_customer_action" => Retry::AfterCustomerAction,
            "after_verifying" => Retry::AfterVerifying,
            _ => return None,
        })
    }

    /// The Rust variant name in the generated code.
    ///
    /// ```
    /// assert_eq!(psp_status_build::Retry::Wait.variant(), "Wait");
    /// ```
    pub fn variant(self) -> &'static str {
        match self {
            Retry::Never => "Never",
            Retry::Wait => "Wait",
            Retry::Later => "Later",
            Retry::AfterCustomerAction => "AfterCustomerAction",
            Retry::AfterVerifying => "AfterVerifying",
        }
    }
}

/// A state or an operation.
#[derive(Debug, Clone)]
pub struct Named {
    /// SCREAMING_SNAKE_CASE name.
    pub name: String,
    /// Where the name is written in taxonomy.yaml (line, column).
    pub at: (u64, u64),
    /// What it means.
    pub description: String,
}

/// A code with everything the taxonomy says about it.
#[derive(Debug, Clone)]
pub struct CodeSpec {
    /// SCREAMING_SNAKE_CASE name.
    pub name: String,
    /// Where the name is written in taxonomy.yaml (line, column).
    pub at: (u64, u64),
    /// What it means.
    pub description: String,
    /// Allowed states (indices into [`Tables::states`]) with their retry advice.
    pub states: Vec<(usize, Retry)>,
    /// Shopper-safe message, English.
    pub shopper_en: String,
    /// Shopper-safe message, French.
    pub shopper_fr: String,
    /// What a support agent should do.
    pub agent: String,
    /// Support text for some states (index into [`Tables::states`]), replacing the code's.
    pub by_state: Vec<(usize, SupportText)>,
}

/// Support text that replaces a code's, for one state of the code or for one entry; `None`
/// keeps what the code (or the code in that state) says.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SupportText {
    /// Shopper messages, English and French (always both).
    pub shopper: Option<(String, String)>,
    /// What a support agent should do.
    pub agent: Option<String>,
}

/// How an entry matches a raw value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MatcherSpec {
    /// The raw value itself.
    Exact(String),
    /// Any value starting with this.
    Prefix(String),
    /// Any value made only of ASCII digits whose number lies in `from..=to`.
    Range(u64, u64),
    /// Anything else on the surface.
    Default,
}

/// An entry, a rule or a default, resolved.
#[derive(Debug, Clone)]
pub struct EntrySpec {
    /// How it matches.
    pub matcher: MatcherSpec,
    /// Index into [`Tables::states`].
    pub state: usize,
    /// Index into [`Tables::codes`].
    pub code: usize,
    /// Index into [`Tables::operations`].
    pub operation: usize,
    /// Meaning, in our own words.
    pub description: String,
    /// Public source URL.
    pub source: String,
    /// Line in the provider file.
    pub line: u64,
    /// Support text of its own, where the entry knows better than its code.
    pub support: SupportText,
}

/// A surface of a provider.
#[derive(Debug, Clone)]
pub struct SurfaceSpec {
    /// As the provider's API names it.
    pub name: String,
    /// Where the name is written in the provider file (line, column).
    pub at: (u64, u64),
    /// What the field is.
    pub description: String,
    /// Default operation (index into [`Tables::operations`]).
    pub operation: Option<usize>,
    /// ASCII case-insensitive matching.
    pub case_insensitive: bool,
    /// What the surface's completeness was checked against: http(s) URLs of SDK files at a
    /// commit or of pages, in file order (`checked_against:`, empty when the key is absent).
    pub checked_against: Vec<String>,
    /// Exact entries, in file order.
    pub entries: Vec<EntrySpec>,
    /// Rules, in file order.
    pub rules: Vec<EntrySpec>,
    /// The surface default.
    pub default: Option<EntrySpec>,
}

/// One provider file.
#[derive(Debug, Clone)]
pub struct ProviderSpec {
    /// Identifier (`stripe`).
    pub id: String,
    /// Display name (`Stripe`).
    pub name: String,
    /// File path as loaded (`mappings/stripe.yaml`).
    pub path: String,
    /// Where the id (`provider:`) is written (line, column).
    pub at: (u64, u64),
    /// Surfaces, in file order.
    pub surfaces: Vec<SurfaceSpec>,
    /// Indices into `surfaces`, most specific first.
    pub precedence: Vec<usize>,
}

/// Everything in a mappings directory, validated.
#[derive(Debug, Clone)]
pub struct Tables {
    /// `version` of taxonomy.yaml.
    pub version: String,
    /// taxonomy.yaml's path as loaded (`mappings/taxonomy.yaml`).
    pub taxonomy_path: String,
    /// SHA-256 (hex) over every file name and content, in name order.
    pub digest: String,
    /// States in taxonomy order.
    pub states: Vec<Named>,
    /// Operations in taxonomy order.
    pub operations: Vec<Named>,
    /// Codes in taxonomy order.
    pub codes: Vec<CodeSpec>,
    /// Providers in file-name order.
    pub providers: Vec<ProviderSpec>,
}

impl Tables {
    /// The support text of an entry: its own, else its code's in its state, else its code's:
    /// `(shopper en, shopper fr, agent)`.
    ///
    /// ```
    /// let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../mappings");
    /// let t = psp_status_build::load_dir(dir.as_ref()).unwrap();
    /// let e = &t.providers[0].surfaces[0].entries[0];
    /// let (en, fr, agent) = t.support_of(e);
    /// assert!(!en.is_empty() && !fr.is_empty() && !agent.is_empty());
    /// ```
    pub fn support_of<'a>(&'a self, e: &'a EntrySpec) -> (&'a str, &'a str, &'a str) {
        let code = &self.codes[e.code];
        let by_state = code
            .by_state
            .iter()
            .find(|(s, _)| *s == e.state)
            .map(|(_, t)| t);
        let shopper = e
            .support
            .shopper
            .as_ref()
            .or_else(|| by_state.and_then(|t| t.shopper.as_ref()));
        let (en, fr) = shopper.map_or(
            (code.shopper_en.as_str(), code.shopper_fr.as_str()),
            |(en, fr)| (en.as_str(), fr.as_str()),
        );
        let agent = e
            .support
            .agent
            .as_deref()
            .or_else(|| by_state.and_then(|t| t.agent.as_deref()))
            .unwrap_or(&code.agent);
        (en, fr, agent)
    }

    /// Number of entries (exact, rules and defaults) of one provider, by surface name.
    ///
    /// ```no_run
    /// let t = psp_status_build::load_dir("mappings".as_ref()).unwrap();
    /// for (surface, n) in t.counts("stripe") { println!("{surface}: {n}"); }
    /// ```
    pub fn counts(&self, provider: &str) -> Vec<(String, usize)> {
        self.providers
            .iter()
            .filter(|p| p.id == provider)
            .flat_map(|p| p.surfaces.iter())
            .map(|s| {
                let n = s.entries.len() + s.rules.len() + usize::from(s.default.is_some());
                (s.name.clone(), n)
            })
            .collect()
    }
}
