//! What the taxonomy says about each state, code and operation: descriptions, retry advice,
//! shopper messages and support actions. The enums themselves are generated from
//! mappings/taxonomy.yaml.

use crate::generated::{CODE_INFO, OPERATION_DESCRIPTIONS, STATE_DESCRIPTIONS};
use crate::{Code, Operation, State};
use serde::{Deserialize, Serialize};

/// What a payment service should do about a result.
///
/// ```
/// use psp_status::{Code, Retry, State};
/// assert_eq!(Code::InsufficientFunds.retry(State::Error), Retry::AfterCustomerAction);
/// assert_eq!(Retry::AfterVerifying.to_string(), "after_verifying");
/// ```
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    strum::Display,
    strum::EnumString,
    strum::IntoStaticStr,
    strum::EnumIter,
    Serialize,
    Deserialize,
)]
#[strum(serialize_all = "snake_case")]
#[serde(rename_all = "snake_case")]
pub enum Retry {
    /// Do not retry this attempt.
    Never,
    /// In flight: do not retry, wait for the next update (webhook or poll).
    Wait,
    /// Nothing was processed: retry the same request later.
    Later,
    /// Retry once the customer has changed something (card, details, authentication).
    AfterCustomerAction,
    /// The outcome is unknown: verify it with the provider before any retry.
    AfterVerifying,
}

impl Retry {
    /// A few words a support agent uses (`Retry after the customer acts`), for headings and
    /// tables where the wire name (`after_customer_action`) would be jargon.
    ///
    /// ```
    /// assert_eq!(psp_status::Retry::AfterVerifying.label(), "Verify first, then decide");
    /// ```
    pub fn label(self) -> &'static str {
        match self {
            Retry::Never => "Do not retry",
            Retry::Wait => "Wait for the next update",
            Retry::Later => "Retry later",
            Retry::AfterCustomerAction => "Retry after the customer acts",
            Retry::AfterVerifying => "Verify first, then decide",
        }
    }

    /// One sentence for people (CLI, reference).
    ///
    /// ```
    /// assert!(psp_status::Retry::Never.explain().contains("Do not retry"));
    /// ```
    pub fn explain(self) -> &'static str {
        match self {
            Retry::Never => "Do not retry this attempt.",
            Retry::Wait => "Do not retry: the payment is in flight; wait for the next update.",
            Retry::Later => "Nothing was processed: retry the same request later.",
            Retry::AfterCustomerAction => {
                "Retry only after the customer changes something (card, details, authentication)."
            }
            Retry::AfterVerifying => {
                "Verify the real outcome with the provider before any retry: a blind retry can charge twice."
            }
        }
    }
}

/// A language of the shopper messages.
///
/// ```
/// use psp_status::Lang;
/// assert_eq!("fr".parse::<Lang>().unwrap(), Lang::Fr);
/// ```
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Default,
    strum::Display,
    strum::EnumString,
    strum::EnumIter,
    Serialize,
    Deserialize,
)]
#[strum(serialize_all = "lowercase", ascii_case_insensitive)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// English.
    #[default]
    En,
    /// French (Alma is a French BNPL).
    Fr,
}

/// The taxonomy data of one code (generated from taxonomy.yaml).
#[derive(Debug)]
pub struct CodeInfo {
    pub(crate) description: &'static str,
    pub(crate) states: &'static [(State, Retry)],
    pub(crate) shopper_en: &'static str,
    pub(crate) shopper_fr: &'static str,
    pub(crate) agent: &'static str,
}

impl State {
    /// What the state means.
    ///
    /// ```
    /// assert!(psp_status::State::Uncertain.description().contains("unknown"));
    /// ```
    pub fn description(self) -> &'static str {
        STATE_DESCRIPTIONS[self as usize]
    }
}

impl Operation {
    /// What the operation is.
    ///
    /// ```
    /// assert!(!psp_status::Operation::Refund.description().is_empty());
    /// ```
    pub fn description(self) -> &'static str {
        OPERATION_DESCRIPTIONS[self as usize]
    }
}

impl Code {
    fn info(self) -> &'static CodeInfo {
        &CODE_INFO[self as usize]
    }

    /// What the code means.
    ///
    /// ```
    /// assert!(!psp_status::Code::RejectedBank.description().is_empty());
    /// ```
    pub fn description(self) -> &'static str {
        self.info().description
    }

    /// The states this code may appear with, and the retry advice in each.
    ///
    /// ```
    /// use psp_status::{Code, State};
    /// assert!(Code::Succeeded.states().iter().all(|(s, _)| *s == State::Success));
    /// ```
    pub fn states(self) -> &'static [(State, crate::Retry)] {
        self.info().states
    }

    /// Whether the taxonomy allows this code with `state`.
    ///
    /// ```
    /// use psp_status::{Code, State};
    /// assert!(Code::TechnicalIssueToContactPartner.allows(State::Uncertain));
    /// assert!(!Code::Succeeded.allows(State::Error));
    /// ```
    pub fn allows(self, state: State) -> bool {
        self.info().states.iter().any(|(s, _)| *s == state)
    }

    /// Retry advice for this code in `state`; a pair the taxonomy does not allow falls back to
    /// the state's own advice.
    ///
    /// ```
    /// use psp_status::{Code, Retry, State};
    /// assert_eq!(Code::TechnicalIssueToContactPartner.retry(State::Pending), Retry::Later);
    /// assert_eq!(Code::TechnicalIssueToContactPartner.retry(State::Uncertain), Retry::AfterVerifying);
    /// ```
    pub fn retry(self, state: State) -> Retry {
        self.info()
            .states
            .iter()
            .find(|(s, _)| *s == state)
            .map_or_else(|| state.default_retry(), |(_, r)| *r)
    }

    /// A message that is safe to show the shopper: it never says why a bank or a risk engine
    /// refused.
    ///
    /// ```
    /// use psp_status::{Code, Lang};
    /// assert!(Code::CardExpired.shopper_message(Lang::Fr).contains("carte"));
    /// ```
    pub fn shopper_message(self, lang: Lang) -> &'static str {
        match lang {
            Lang::En => self.info().shopper_en,
            Lang::Fr => self.info().shopper_fr,
        }
    }

    /// What a support agent should do (may name the real reason).
    ///
    /// ```
    /// assert!(!psp_status::Code::BlockedCard.agent_action().is_empty());
    /// ```
    pub fn agent_action(self) -> &'static str {
        self.info().agent
    }
}

impl State {
    /// The retry advice a state implies on its own.
    ///
    /// ```
    /// use psp_status::{Retry, State};
    /// assert_eq!(State::Uncertain.default_retry(), Retry::AfterVerifying);
    /// ```
    pub fn default_retry(self) -> Retry {
        match self {
            State::Success | State::Error => Retry::Never,
            State::Waiting => Retry::Wait,
            State::Pending => Retry::Later,
            State::Uncertain => Retry::AfterVerifying,
        }
    }
}
