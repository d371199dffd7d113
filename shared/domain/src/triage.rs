//! Triage of a tenant's problem description: trade, priority, emergency kind with safety
//! instructions, and a few safe troubleshooting tips, decided by deterministic phrase rules.
//!
//! Phrase rules rather than a model, because triage must be explainable to a property manager
//! (every decision comes with the phrases that drove it) and must never miss an emergency; a rule
//! table can be read, tested and extended one phrasing at a time.
//!
//! The pipeline:
//!
//! 1. The description is folded: lower case, accents stripped, apostrophes dropped (`won't` →
//!    `wont`), common typos fixed (`leek`, `watter`, `toliet`, `furnance`…), contractions
//!    expanded (`wont` → `will not`) so that one `not` serves every phrasing, and compound nouns
//!    joined (`water heater` → `waterheater`) so that a water heater is never read as heating.
//! 2. The words are split into sentences (`.`, `!`, `?`, `;`, new lines) and clauses (commas and
//!    conjunctions such as `and`, `but`, `y`, `pero`). Phrases match whole words inside one clause,
//!    so "gas" never matches "gasket", and a run-on text like "the toilet runs and the outlet
//!    sparks" yields two separate facts.
//! 3. Each rule in `RULES` turns a phrase into a fact (an emergency kind, or an urgent or routine
//!    problem). A match is void when a negation (`no`, `not`, `never`, `sin`…) precedes it in the
//!    same clause with only filler words in between ("no gas smell", "I don't see any sparks",
//!    "no huele a gas"), and a water match is void when a later phrase says it stopped ("not
//!    leaking anymore").
//! 4. The most dangerous emergency wins, then the first urgent fact, then the first routine one.
//!    The trade comes from the trade vocabulary, weighted towards the clause of the winning fact.

use std::ops::Range;

use serde::{Deserialize, Serialize};

use crate::types::{EmergencyKind, Priority, Trade};

/// What the tenant (or a property manager) told us about one problem.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TriageInput<'a> {
    /// Free text as typed: any case, English or Spanish, typos welcome.
    pub description: &'a str,
    /// Set by a PM or chosen by the tenant: when present it always wins for the trade, but it
    /// never hides an emergency the text shows.
    pub category: Option<Trade>,
    /// The form's "is this an emergency?" box.
    pub tenant_says_emergency: bool,
    /// The property's configured heating season covers today: "no heat" is then an emergency.
    pub cold_weather: bool,
}

impl<'a> TriageInput<'a> {
    /// An input with only a description: no category, not flagged, outside the heating season.
    pub fn new(description: &'a str) -> Self {
        TriageInput {
            description,
            ..TriageInput::default()
        }
    }
}

/// The outcome of triage.
///
/// Invariants:
/// - `priority == Priority::Emergency` exactly when `emergency.is_some()`, and exactly then
///   `safety_instructions` is `Some` (the text of [`safety_instructions`] for that kind).
/// - `trade` is the input's category when one was given.
/// - `diagnosis` is one plain sentence ending with a period.
/// - `drivers` is never empty: it always says why the trade was chosen.
/// - `tips` holds at most 3 tips, none that could be unsafe for the situation (no breaker reset
///   with sparks, no pilot relighting with a gas smell), and none at all for an emergency except
///   harmless ones (a spare key for a lockout, thermostat checks for no heat).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Triage {
    pub trade: Trade,
    pub priority: Priority,
    pub emergency: Option<EmergencyKind>,
    /// One plain-words sentence, e.g. "Likely a failed supply line under the kitchen sink:
    /// active water leak."
    pub diagnosis: String,
    /// The facts that drove the decision, e.g. `mentions "water everywhere"`,
    /// `category set to plumbing`, `tenant marked it as an emergency`.
    pub drivers: Vec<String>,
    /// For emergencies only: what the tenant must do right now. Plain text, under 320 characters.
    pub safety_instructions: Option<String>,
    /// 0–3 short, safe troubleshooting tips relevant to the description.
    pub tips: Vec<String>,
}

/// The maximum number of tips returned; more would bury the useful one.
const MAX_TIPS: usize = 3;

/// What the tenant must do right now for each kind of emergency.
///
/// Invariant: plain text, one short paragraph, under 320 characters, so it fits an SMS pair and
/// the top of the confirmation page.
pub fn safety_instructions(kind: EmergencyKind) -> &'static str {
    match kind {
        EmergencyKind::Gas => {
            "Leave now and keep everyone out. Don't switch lights or appliances on or off, don't \
             use lighters, matches or phones inside. Once outside and away from the building, \
             call the gas company's emergency line or 911. Don't go back in until they say it \
             is safe."
        }
        EmergencyKind::CarbonMonoxide => {
            "Get everyone, pets included, outside into fresh air now and call 911 from outside. \
             Don't go back in or look for the source. Tell the dispatcher if anyone has a \
             headache, dizziness or nausea."
        }
        EmergencyKind::Flooding => {
            "Shut off the water now: turn the valve under the sink or behind the toilet \
             clockwise, or close the main shut-off. Stay away from outlets and cords near water; \
             switch off the breaker for wet areas only if you can reach it without standing in \
             water."
        }
        EmergencyKind::FireOrSparks => {
            "If there is fire or heavy smoke, leave now and call 911 from outside. If it's only \
             sparks or a burning smell and you can reach the panel safely, switch that circuit's \
             breaker off. Don't touch the outlet, and never use water on an electrical fire."
        }
        EmergencyKind::Sewage => {
            "Stop using water now: no flushing, showers, sinks, dishwasher or laundry, or the \
             sewage will back up further. Keep children and pets away, don't touch it without \
             gloves, and open windows for air."
        }
        EmergencyKind::NoHeat => {
            "Keep warm safely: close windows, wear layers and stay in one room. Never heat with \
             an oven, stove or grill (carbon monoxide). Use a space heater only 3 feet from \
             anything that burns, never while asleep. Open cabinet doors under sinks so pipes \
             don't freeze."
        }
        EmergencyKind::Lockout => {
            "Wait somewhere safe and warm. Don't force the door or climb through a window. If a \
             child, a pet or a running stove is inside, call 911 now. Have an ID showing this \
             address ready for the locksmith."
        }
        EmergencyKind::SecurityBreach => {
            "If someone may still be inside, don't go in: get somewhere safe and call 911. \
             Otherwise stay clear of broken glass, and if you can, brace the door with a chair \
             under the handle until it is repaired."
        }
    }
}

/// Triages one description. Deterministic: the same input always gives the same output.
pub fn triage(input: &TriageInput) -> Triage {
    let text = Text::new(input.description);
    let mut hits = scan(&text);
    settle(&text, &mut hits);

    let cold = input.cold_weather;
    let primary = pick_primary(&hits, cold);
    let emergency = primary.and_then(|h| h.fact.emergency(cold));

    let priority = if emergency.is_some() {
        Priority::Emergency
    } else if input.tenant_says_emergency
        || primary.is_some_and(|h| h.fact.priority(cold) == Priority::Urgent)
    {
        Priority::Urgent
    } else {
        Priority::Routine
    };

    let mut drivers = Vec::new();
    describe_facts(&text, &hits, primary, cold, &mut drivers);
    if input.tenant_says_emergency {
        if emergency.is_some() {
            drivers.push("tenant marked it as an emergency".to_string());
        } else {
            drivers.push(
                "tenant marked it as an emergency, but the description shows no emergency sign"
                    .to_string(),
            );
        }
    }

    let scored = choose_trade(&text, primary);
    let trade = match input.category {
        Some(category) => {
            drivers.push(format!("category set to {}", category.as_str()));
            category
        }
        None => {
            drivers.push(scored.reason(primary));
            scored.trade
        }
    };

    Triage {
        trade,
        priority,
        emergency,
        diagnosis: diagnose(&text, primary, trade, cold),
        drivers,
        safety_instructions: emergency.map(|k| safety_instructions(k).to_string()),
        tips: pick_tips(&text, &hits, primary, emergency)
            .into_iter()
            .map(|t| t.text().to_string())
            .collect(),
    }
}

// ---------------------------------------------------------------------------------------------
// Facts
// ---------------------------------------------------------------------------------------------

/// One thing a phrase can tell us. Emergency facts map to an [`EmergencyKind`]; the three
/// "unsettled" facts need the whole description before they can be named (a chirping CO alarm
/// with a battery mentioned is a low battery, not CO).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fact {
    Gas,
    CarbonMonoxide,
    Flooding,
    FireOrSparks,
    Sewage,
    NoHeat,
    Lockout,
    SecurityBreach,
    // Unsettled: rewritten by `settle`.
    CoChirp,
    SmokeAlarm,
    PilotOut,
    // Urgent.
    StoppedFlood,
    NoHotWater,
    NoCooling,
    FridgeWarm,
    ToiletClogged,
    NoPower,
    BreakerTrips,
    HotOutlet,
    NoWater,
    FrozenPipes,
    LostKeys,
    Leak,
    ContainedLeak,
    RoofLeak,
    DetectorChirp,
    DetectorFault,
    // Routine.
    SpareToiletClogged,
    MinorLeak,
    FaucetDrip,
    RunningToilet,
    SlowDrain,
    Disposal,
    DeadOutlet,
    LightOut,
    Pests,
    Thermostat,
    SewerSmell,
    Mold,
    ApplianceFault,
}

/// Most dangerous first: when a description shows several emergencies, the first one here is
/// the one whose safety instructions the tenant gets (leaving for gas beats shutting a valve).
const EMERGENCY_RANK: [EmergencyKind; 8] = [
    EmergencyKind::Gas,
    EmergencyKind::CarbonMonoxide,
    EmergencyKind::FireOrSparks,
    EmergencyKind::Flooding,
    EmergencyKind::NoHeat,
    EmergencyKind::Sewage,
    EmergencyKind::SecurityBreach,
    EmergencyKind::Lockout,
];

impl Fact {
    /// The emergency kind this fact is, when it is one today (no heat only in the cold season).
    fn emergency(self, cold: bool) -> Option<EmergencyKind> {
        let kind = match self {
            Fact::Gas => EmergencyKind::Gas,
            Fact::CarbonMonoxide => EmergencyKind::CarbonMonoxide,
            Fact::Flooding => EmergencyKind::Flooding,
            Fact::FireOrSparks => EmergencyKind::FireOrSparks,
            Fact::Sewage => EmergencyKind::Sewage,
            Fact::NoHeat if cold => EmergencyKind::NoHeat,
            Fact::Lockout => EmergencyKind::Lockout,
            Fact::SecurityBreach => EmergencyKind::SecurityBreach,
            _ => return None,
        };
        Some(kind)
    }

    fn priority(self, cold: bool) -> Priority {
        if self.emergency(cold).is_some() {
            return Priority::Emergency;
        }
        match self {
            Fact::SpareToiletClogged
            | Fact::MinorLeak
            | Fact::FaucetDrip
            | Fact::RunningToilet
            | Fact::SlowDrain
            | Fact::Disposal
            | Fact::DeadOutlet
            | Fact::LightOut
            | Fact::Pests
            | Fact::Thermostat
            | Fact::SewerSmell
            | Fact::Mold
            | Fact::ApplianceFault => Priority::Routine,
            _ => Priority::Urgent,
        }
    }

    /// The trade that usually fixes it, used when the words around it name no trade.
    fn default_trade(self) -> Trade {
        match self {
            Fact::Gas
            | Fact::Flooding
            | Fact::Sewage
            | Fact::StoppedFlood
            | Fact::NoHotWater
            | Fact::ToiletClogged
            | Fact::SpareToiletClogged
            | Fact::NoWater
            | Fact::FrozenPipes
            | Fact::Leak
            | Fact::ContainedLeak
            | Fact::MinorLeak
            | Fact::FaucetDrip
            | Fact::RunningToilet
            | Fact::SlowDrain
            | Fact::Disposal
            | Fact::SewerSmell => Trade::Plumbing,
            Fact::FireOrSparks
            | Fact::NoPower
            | Fact::BreakerTrips
            | Fact::HotOutlet
            | Fact::DeadOutlet
            | Fact::LightOut => Trade::Electrical,
            Fact::CarbonMonoxide
            | Fact::NoHeat
            | Fact::PilotOut
            | Fact::NoCooling
            | Fact::Thermostat => Trade::Hvac,
            Fact::FridgeWarm | Fact::ApplianceFault => Trade::Appliance,
            Fact::Lockout | Fact::SecurityBreach | Fact::LostKeys => Trade::Locksmith,
            Fact::RoofLeak => Trade::Roofing,
            Fact::Pests => Trade::Pest,
            Fact::CoChirp
            | Fact::SmokeAlarm
            | Fact::DetectorChirp
            | Fact::DetectorFault
            | Fact::Mold => Trade::General,
        }
    }

    /// Facts about water can be taken back by a later "it stopped".
    fn resolvable(self) -> bool {
        matches!(
            self,
            Fact::Flooding | Fact::Leak | Fact::RoofLeak | Fact::MinorLeak
        )
    }

    /// Short words for the trade driver ("plumbing is the usual trade for …").
    fn label(self) -> &'static str {
        if let Some(kind) = self.emergency(true) {
            return kind.label();
        }
        match self {
            Fact::StoppedFlood => "a leak that has stopped",
            Fact::NoHotWater => "no hot water",
            Fact::NoCooling => "air conditioning out",
            Fact::FridgeWarm => "a fridge not cooling",
            Fact::ToiletClogged | Fact::SpareToiletClogged => "a clogged toilet",
            Fact::NoPower => "no power",
            Fact::BreakerTrips => "a tripping breaker",
            Fact::HotOutlet => "a hot or buzzing outlet",
            Fact::NoWater => "no water",
            Fact::FrozenPipes => "frozen pipes",
            Fact::LostKeys => "lost keys",
            Fact::Leak | Fact::ContainedLeak | Fact::MinorLeak => "a leak",
            Fact::RoofLeak => "a roof leak",
            Fact::DetectorChirp | Fact::DetectorFault | Fact::CoChirp | Fact::SmokeAlarm => {
                "a smoke or CO detector"
            }
            Fact::FaucetDrip => "a dripping faucet",
            Fact::RunningToilet => "a running toilet",
            Fact::SlowDrain => "a slow drain",
            Fact::Disposal => "a garbage disposal",
            Fact::DeadOutlet => "a dead outlet",
            Fact::LightOut => "a light out",
            Fact::Pests => "pests",
            Fact::Thermostat => "a thermostat",
            Fact::SewerSmell => "a sewer smell",
            Fact::Mold => "mold",
            Fact::ApplianceFault => "an appliance fault",
            Fact::PilotOut => "a pilot light",
            _ => "this problem",
        }
    }

    fn tips(self) -> &'static [Tip] {
        match self {
            Fact::NoHeat => &[Tip::Thermostat, Tip::Filter],
            Fact::Lockout => &[Tip::SpareKey],
            Fact::StoppedFlood | Fact::Leak | Fact::ContainedLeak => &[Tip::ShutOff, Tip::Bucket],
            Fact::NoHotWater => &[Tip::Pilot, Tip::Breaker],
            Fact::NoCooling => &[Tip::Thermostat, Tip::Breaker, Tip::Filter],
            Fact::FridgeWarm => &[Tip::FridgeSettings, Tip::FridgeDoors],
            Fact::ToiletClogged | Fact::SpareToiletClogged => &[Tip::ToiletPlunger],
            Fact::NoPower => &[Tip::Breaker, Tip::Gfci],
            Fact::BreakerTrips => &[Tip::BreakerOverload],
            Fact::HotOutlet => &[Tip::HotOutlet],
            Fact::NoWater => &[Tip::NeighborsWater],
            Fact::FrozenPipes => &[Tip::FrozenPipes],
            Fact::RoofLeak => &[Tip::Bucket],
            Fact::DetectorChirp => &[Tip::DetectorBattery],
            Fact::DetectorFault => &[Tip::DetectorDust],
            Fact::MinorLeak => &[Tip::Bucket, Tip::ShutOff],
            Fact::RunningToilet => &[Tip::Flapper],
            Fact::SlowDrain => &[Tip::DrainPlunger],
            Fact::Disposal => &[Tip::Disposal],
            Fact::DeadOutlet => &[Tip::Gfci, Tip::Breaker],
            Fact::LightOut => &[Tip::Bulb],
            Fact::Pests => &[Tip::Pests],
            Fact::Thermostat => &[Tip::Thermostat],
            Fact::SewerSmell => &[Tip::TrapRefill],
            Fact::Mold => &[Tip::Ventilate],
            Fact::ApplianceFault => &[Tip::Appliance],
            _ => &[],
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Tips
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tip {
    Breaker,
    BreakerOverload,
    Gfci,
    Disposal,
    Pilot,
    Thermostat,
    Filter,
    ToiletPlunger,
    DrainPlunger,
    FridgeSettings,
    FridgeDoors,
    Flapper,
    ShutOff,
    Bucket,
    DetectorBattery,
    DetectorDust,
    SpareKey,
    Pests,
    FrozenPipes,
    HotOutlet,
    Bulb,
    Appliance,
    TrapRefill,
    Ventilate,
    NeighborsWater,
}

impl Tip {
    fn text(self) -> &'static str {
        match self {
            Tip::Breaker => {
                "Check the electrical panel for a tripped breaker (one sitting in the middle or \
                 off): push it fully off, then on. If it trips again, leave it off."
            }
            Tip::BreakerOverload => {
                "Unplug space heaters, hair dryers and other high-power devices on that circuit \
                 before resetting the breaker. If it trips with nothing plugged in, leave it off."
            }
            Tip::Gfci => {
                "Press RESET on any GFCI outlet (the kind with TEST and RESET buttons) in the \
                 kitchen, bathrooms, garage or outside: one GFCI can cut power to several outlets."
            }
            Tip::Disposal => {
                "With the disposal switched off, turn the hex key (1/4 in.) in the socket under \
                 the unit back and forth to free it, then press the red reset button underneath. \
                 Never reach inside."
            }
            Tip::Pilot => {
                "If there is no gas smell, check whether the pilot light is out and relight it \
                 only by following the label on the unit. If you smell gas at any point, stop \
                 and leave."
            }
            Tip::Thermostat => {
                "Check the thermostat: set it to HEAT (or COOL), a few degrees past the room \
                 temperature, and replace its batteries if the screen is blank."
            }
            Tip::Filter => {
                "Replace the HVAC air filter if it looks gray or clogged: a blocked filter can \
                 make the system shut off or blow weak air."
            }
            Tip::ToiletPlunger => {
                "Use a flange plunger with slow, firm strokes, and don't flush again until the \
                 bowl drains. Avoid chemical drain cleaners."
            }
            Tip::DrainPlunger => {
                "Try a cup plunger over the drain (cover the overflow hole with a wet cloth) or \
                 pull hair out of the stopper. Avoid chemical drain cleaners."
            }
            Tip::FridgeSettings => {
                "Set the fridge dial to the middle (about 37 F / 3 C), keep the vents inside \
                 clear of food, and check that the coils underneath or behind aren't caked with \
                 dust."
            }
            Tip::FridgeDoors => {
                "Keep the doors shut as much as possible: a closed fridge stays cold for about 4 \
                 hours and a full freezer for about a day."
            }
            Tip::Flapper => {
                "Lift the tank lid and check the flapper: if its chain is caught or too tight, \
                 free it so the flapper seals. Jiggling the handle often stops the running."
            }
            Tip::ShutOff => {
                "Close the shut-off valve under the sink or behind the toilet (turn it \
                 clockwise) to stop the water until the repair."
            }
            Tip::Bucket => {
                "Keep a bucket or towels under the drip and move electronics and furniture out \
                 of the way."
            }
            Tip::DetectorBattery => {
                "A short chirp every minute or so means a low battery: replace it and press \
                 TEST. A loud, continuous alarm is real: leave and call 911."
            }
            Tip::DetectorDust => {
                "Steam and cooking smoke can set off a smoke alarm: gently vacuum its vents and \
                 press TEST, but never remove or disconnect it."
            }
            Tip::SpareKey => {
                "While you wait, check whether someone in your household or a trusted neighbor \
                 has a spare key."
            }
            Tip::Pests => {
                "Keep food in sealed containers, take the trash out daily and wipe up crumbs and \
                 standing water. Don't spray pesticides before the exterminator comes."
            }
            Tip::FrozenPipes => {
                "Open the faucet slightly and open the cabinet doors under sinks so warm air \
                 reaches the pipes. Never thaw a pipe with an open flame."
            }
            Tip::HotOutlet => {
                "Stop using that outlet or switch: unplug what is connected to it, and switch its \
                 breaker off if it stays warm."
            }
            Tip::Bulb => {
                "Try a new bulb of the right wattage first, then check the wall switch and the \
                 breaker."
            }
            Tip::Appliance => {
                "Check that the appliance is plugged in and that its breaker or GFCI outlet \
                 hasn't tripped."
            }
            Tip::TrapRefill => {
                "Run water for a minute in sinks, tubs and floor drains that are rarely used: a \
                 dry drain trap lets sewer gas in."
            }
            Tip::Ventilate => {
                "Run the bathroom fan or open a window during and after showers, and wipe small \
                 spots with soapy water. Never mix bleach with other cleaners."
            }
            Tip::NeighborsWater => {
                "Ask a neighbor whether their water is out too: if so, it is likely a water \
                 utility outage."
            }
        }
    }
}

fn pick_tips(
    text: &Text,
    hits: &[Hit],
    primary: Option<&Hit>,
    emergency: Option<EmergencyKind>,
) -> Vec<Tip> {
    let Some(primary) = primary else {
        return Vec::new();
    };
    let gas = hits.iter().any(|h| h.active() && h.fact == Fact::Gas);
    let mut tips: Vec<Tip> = primary.fact.tips().to_vec();
    if let Some(kind) = emergency {
        // In an emergency the tenant reads the safety instructions; only tips that cannot make
        // things worse and may end the emergency (a spare key, a thermostat left on COOL) stay.
        if !matches!(kind, EmergencyKind::NoHeat | EmergencyKind::Lockout) {
            return Vec::new();
        }
    } else {
        for h in hits.iter().filter(|h| h.active() && h.fact != primary.fact) {
            tips.extend_from_slice(h.fact.tips());
        }
    }
    let all = text.all();
    if text.has("pilot|piloto", all.clone()) {
        tips.push(Tip::Pilot);
    }
    if text.has("filter|filters|filtro", all.clone()) {
        tips.push(Tip::Filter);
    }
    if text.has("thermostat*|termostato", all) {
        tips.push(Tip::Thermostat);
    }
    let hot_outlet = hits.iter().any(|h| h.active() && h.fact == Fact::HotOutlet);
    let mut out: Vec<Tip> = Vec::new();
    for tip in tips {
        // A pilot is never relit near a gas smell, and a breaker feeding a hot outlet is never
        // switched back on.
        let unsafe_here = (tip == Tip::Pilot && gas)
            || (hot_outlet && matches!(tip, Tip::Breaker | Tip::Gfci | Tip::BreakerOverload));
        if !unsafe_here && !out.contains(&tip) {
            out.push(tip);
        }
    }
    out.truncate(MAX_TIPS);
    out
}

// ---------------------------------------------------------------------------------------------
// Rules
// ---------------------------------------------------------------------------------------------

/// Where a rule's phrases may match: inside one clause (most rules, so that a clause about the
/// toilet and one about the outlet never mix), or anywhere in one sentence (phrases that are
/// naturally split by "and": "the toilet overflowed and there is poop everywhere").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scope {
    Clause,
    Sentence,
}

/// A fact and the phrases that show it.
///
/// Phrase syntax, matched against folded words: words separated by spaces must follow each
/// other; `a|b` is either word; `a+b` inside an alternative is a two-word alternative; `word*`
/// matches any word starting with `word`; `?word` is optional; `~` skips up to 3 words and `~N`
/// up to N (never across a negation, so "heater is not broken" never reads as "heater broken").
/// `unless` phrases void the rule for the whole clause or sentence that contains them.
struct Rule {
    fact: Fact,
    scope: Scope,
    phrases: &'static [&'static str],
    unless: &'static [&'static str],
}

const fn clause(fact: Fact, phrases: &'static [&'static str], unless: &'static [&'static str]) -> Rule {
    Rule {
        fact,
        scope: Scope::Clause,
        phrases,
        unless,
    }
}

const fn sentence(
    fact: Fact,
    phrases: &'static [&'static str],
    unless: &'static [&'static str],
) -> Rule {
    Rule {
        fact,
        scope: Scope::Sentence,
        phrases,
        unless,
    }
}

/// Words that say "the faucet", not "the plumbing": a dripping faucet is routine.
const FAUCET: &str = "faucet*|tap|taps|spout|showerhead*|shower+head|llave|grifo*|mezcladora";
/// A leak caught in something is contained: urgent, not an emergency.
const CONTAINED: &str =
    "bucket*|pan|pot|towel*|container|bowl|cubeta*|balde*|cubo|toalla*|recipiente|olla|trapo*";
/// Words that make a leak minor.
const MINOR: &str =
    "slow|slowly|slight*|little|small|minor|tiny|bit|occasional*|sometimes|poco|poquito|lento|pequen*";
const HEAT_WORDS: &str =
    "heat|heating|heater|heaters|furnace*|boiler|radiator*|calefaccion|calefactor|calentador|caldera";
const BATTERY: &str = "battery|batteries|bateria*|pila|pilas";

static RULES: &[Rule] = &[
    // ---- Gas -------------------------------------------------------------------------------
    clause(
        Fact::Gas,
        &[
            "gas|propane|propano ~2 smell*|odor*|odour*|olor*|huele*|hiss*",
            "smell*|odor*|odour*|olor*|huele*|huelo|hiss*|tufo ~3 gas|propane|propano",
            "rotten+egg*|huevo+podrido|huevos+podridos",
            "gas+line|gas+pipe|linea+de+gas|tuberia+de+gas ~3 broke*|damaged|hit|cut|leak*|rota|roto|danad*",
        ],
        &[],
    ),
    clause(
        Fact::Gas,
        &[
            "gas|propane|propano ~2 leak*|fuga|escape|se+sale|se+esta+saliendo",
            "leak*|fuga|fugas|escape ~3 gas|propane|propano",
        ],
        &["water|agua|drip*|gotea*"],
    ),
    // ---- Carbon monoxide -------------------------------------------------------------------
    clause(
        Fact::CarbonMonoxide,
        &[
            "coalarm ~3 beep*|sound*|alarm*|ring*|screech*|blar*|activat*|triggered|flash*|alert*|suena|sonando|sono|pita|pitando|chilla*|went+off|going+off|goes+off|gone+off|go+off|keeps+going",
            "beep*|sounding|ringing|suena|sonando|pitando ~3 coalarm",
            "carbon+monoxide|monoxide|monoxido|co+poisoning|co+leak|co+levels|co+level",
        ],
        &[],
    ),
    clause(Fact::CoChirp, &["coalarm ~3 chirp*", "chirp* ~3 coalarm"], &[]),
    // ---- Smoke alarms and detectors ----------------------------------------------------------
    clause(
        Fact::SmokeAlarm,
        &[
            "smokealarm ~3 beep*|sound*|alarm*|ring*|screech*|blar*|went+off|going+off|goes+off|gone+off|go+off|keeps+going|suena|sonando|sono|pita|pitando|activ*",
            "beep*|sounding|ringing|suena|sonando|pitando ~3 smokealarm",
        ],
        &[],
    ),
    clause(
        Fact::DetectorChirp,
        &[
            "smokealarm ~3 chirp*",
            "chirp* ~3 smokealarm",
            "smokealarm|coalarm ~4 battery|batteries|bateria*|pila|pilas",
            "smokealarm|coalarm ~3 not+work*|dead|broken|missing|fell|no+funciona|no+sirve",
        ],
        &[],
    ),
    clause(Fact::DetectorChirp, &["chirp*"], &["coalarm|bird*|cricket*|pajaro*|grillo*"]),
    // ---- Fire and sparks --------------------------------------------------------------------
    clause(
        Fact::FireOrSparks,
        &["spark|sparks|sparking|sparked|sparky|arcing|arced|chispa*|chispea*|chisporrote*"],
        &[],
    ),
    clause(
        Fact::FireOrSparks,
        &["smoke|smoking|smoky|smokey|humo|humea*"],
        &["cigar*|cigarette*|weed|marijuana|vape*|vaping|smoker*|tobacco|fuma*|fumar|cigarro*|cigarrillo*|hookah|incense|no+smoking"],
    ),
    clause(
        Fact::FireOrSparks,
        &[
            "fire|fires|flames|fuego|incendio*|llamas|ablaze|blaze",
            "on+fire|caught+fire|catch+fire|se+incendi*|prendio+fuego",
        ],
        &["ceasefire|pit"],
    ),
    clause(
        Fact::FireOrSparks,
        &["flame"],
        &["pilot|piloto|burner*|stove|estufa|blue|yellow|orange|quemador*|range|oven|cooktop|furnace*|waterheater"],
    ),
    clause(
        Fact::FireOrSparks,
        &[
            "burning|burnt|burned|quemado|melting|melted|plastic|electrical|electric|wire|wires ~2 smell*|odor*|odour*|olor*",
            "smell*|odor*|odour*|olor*|huele*|huelo ~3 burning|burnt|burned|quemado|quemada|melting|melted|plastic|electrical|wires|wire",
            "se+quema*|quemandose",
        ],
        &["toast|food|popcorn|cooking|cooked|pan|dinner|comida|cocinando|tostad*|bulb|foco|bombilla|rice|arroz"],
    ),
    clause(
        Fact::FireOrSparks,
        &[
            "melted|melting|scorched|charred|blackened|burn+marks|scorch+marks|black+marks|derretid*|quemad*|chamuscad* ~3 outlet*|plug|plugs|switch|switches|panel|cord*|wire*|wiring|enchufe*|contacto*|cable*|apagador*",
            "outlet*|plug|plugs|switch|switches|panel|cord|cords|wire|wires|wiring|enchufe*|contacto*|cable*|apagador* ~3 melted|melting|scorched|charred|blackened|burnt|burned|burning|derretid*|quemad*|chamuscad*|exploded|explosion|popped|smoking",
            "exploded|explosion|boom|bang ~3 outlet*|panel|transformer|breaker*",
            "electrical+fire",
        ],
        &["bulb|foco|bombilla"],
    ),
    // ---- Sewage -----------------------------------------------------------------------------
    clause(
        Fact::Sewage,
        &["sewage|aguas+negras|aguas+residuales"],
        &["smell*|odor*|odour*|olor*|huele*|stink*|stench|smelly|apesta*"],
    ),
    sentence(
        Fact::Sewage,
        &[
            "raw+sewage",
            "sewer|sewage|septic|main+line|mainline|main+drain ~3 back*|overflow*|coming+up|came+up|coming+out|bubbling|clog*|blocked|tapad*|desbord*",
            "back+up|backs+up|backing+up|backed+up|coming+up|came+up|comes+up|bubbling+up ~3 tub|bathtub|shower|floor+drain|tina|regadera",
            "toilet*|inodoro*|excusado* ~4 overflow*|coming+up|backing+up|backed+up|desbord* ~4 sewage|poop|feces|waste|excrement|poo|shit|caca|popo|excremento*",
            "poop|feces|excrement|poo|shit|caca|popo|excremento* ~3 coming+up|coming+out|backing+up|everywhere|floor|tub|shower|bathtub|tina|regadera|sale|saliendo|piso|por+todos+lados",
            "toilet+water|dirty+water|agua+sucia ~3 coming+up|comes+up|came+up|backing+up|tub|bathtub|shower|tina|regadera|coladera",
            "all|every|multiple|both|todos|todas ~2 drain*|toilets|sinks|coladeras|desagues ~3 back*|clog*|overflow*|tapad*",
            "drenaje|desague|coladera ~3 regres*|sale|saliendo|desbord*|brota|brotando|se+regresa",
            "se+regresa ~3 drenaje|agua|desague",
            "fosa+septica|fosa ~3 desbord*|llena|rebosa*",
        ],
        &[],
    ),
    // ---- Flooding ---------------------------------------------------------------------------
    clause(
        Fact::Flooding,
        &[
            "flood|floods|flooded|flooding|floodin|inund*|anegad*",
            "water|agua ~3 everywhere|all+over|por+todas+partes|por+todos+lados|por+todo+el+piso|por+toda+la+casa",
            "water|agua ~3 pouring|pours|poured|gushing|gushes|gushed|spraying|sprays|sprayed|spurting|spurts|shooting|streaming|rushing",
            "burst|bursting|busted|broken|broke|exploded|ruptured|split ~2 pipe*|water+line|supply+line|hose|tubo*|tuberia*|cano|canos|caneria*|manguera*",
            "pipe*|water+line|supply+line|tubo*|tuberia*|cano|canos|caneria*|manguera* ~3 burst*|busted|broke|broken|exploded|ruptured|split|revent*|explot*|rota|roto|rotos|rotas|se+rompio",
            "waterheater ~3 burst*|exploded|ruptured|revent*|explot*",
            "se+rompio|revento|exploto ~3 tubo*|tuberia*|cano|canos|caneria*|pipa*|manguera*",
            "ceiling|techo|roof ~4 leak*|pouring|dripping|coming|gotea* ~3 a+lot|badly|bad|heavily|fast|like+crazy|everywhere|nonstop|non+stop|mucho|muchisimo",
            "water|agua ~3 coming|pouring|running|streaming|entering|cayendo|cae|sale|saliendo|entra|entrando|chorrea* ~4 ceiling|light|fixture|lamp|walls|wall|techo|lampara|pared*",
        ],
        &[],
    ),
    clause(
        Fact::Flooding,
        &[
            "leak*|gotea*|dripping ~2 a+lot|badly|heavily|like+crazy|everywhere|nonstop|non+stop|really+bad|so+much|mucho|muchisimo|sin+parar",
            "major|huge|massive|severe|serious|enorme|grave ~2 leak*|fuga|gotera",
            "fuga|gotera ~2 grande|enorme|fuerte|grave",
            "water|leak*|leaking|agua|fuga ~3 not+stop*|not+shut+off|not+turn+off|no+para|no+deja+de+salir|no+se+detiene",
            "not+stop|not+shut+off|unable+to+stop|no+puedo+parar|no+puedo+cerrar ~3 water|leak*|leaking|agua|fuga",
        ],
        &[FAUCET, "toilet*|shower*|regadera|inodoro*|excusado*|gas|propane"],
    ),
    clause(
        Fact::Flooding,
        &["pouring|gushing|spraying|spurting|streaming|rushing ~3 out|from|down|through|everywhere|in|into"],
        &["rain|raining|lluvia|llueve|sweat*"],
    ),
    clause(
        Fact::Flooding,
        &[
            "standing+water|inches+of+water|ankle+deep|knee+deep|agua+estancada",
            "water|agua ~2 rising|sube|subiendo",
            "mucha+agua|chorro*|a+chorros",
        ],
        &["tub|bathtub|tina|shower*|sink*|drain*|lavabo*|fregadero*|regadera|coladera*|usa|gasta|factura|recibo|bill|pressure|presion|rain|lluvia|dishwasher*|washer|lavadora*"],
    ),
    sentence(
        Fact::Flooding,
        &["overflow*|desborda* ~4 not+stop*|everywhere|no+para|por+todos+lados"],
        &["sewage|poop|feces|waste|excrement|poo|shit|caca|popo|excremento*|aguas+negras"],
    ),
    // ---- No heat ----------------------------------------------------------------------------
    clause(
        Fact::NoHeat,
        &[
            "no+heat|no+heating|no+heater|without+heat|without+heating|sin+calefaccion|sin+calor|sin+calentador|sin+calefactor|no+hay+calefaccion|no+hay+calor|no+tengo+calefaccion|no+tenemos+calefaccion|no+hay+calentador",
            "not ~2 have|get|getting|got ~2 heat|heating",
            "heat|heating|heater|heaters|furnace*|boiler|radiator*|calefaccion|calentador|caldera|calefactor|heat+pump ~3 not+work*|not+turn*|not+com*|not+start*|not+heat*|not+warm*|not+blow*+hot|not+blow*+warm|not+on|not+function*|not+kick*|stopped|quit|died|dead|broken|broke|busted|blowing+cold|blows+cold|cold+air|cold|no+funciona|no+sirve|no+prende|no+enciende|no+calienta|no+jala|no+arranca|descompuest*|se+apago|apagad*|frio|fria",
            "heat|heating|heater|heaters|furnace*|boiler|calefaccion|calentador|caldera ?is|went|has+gone|has+been|was|keeps+going|is+all|goes ?completely|totally out",
            "freezing|helado|congelando ~3 inside|apartment|unit|house|home|in+here|casa|departamento|apartamento|adentro|depa",
            "apartment|unit|house|home|place|casa|departamento|apartamento|depa ~3 freezing|helado|helada|congelando|so+cold|very+cold|really+cold|too+cold|extremely+cold|super+cold|ice+cold|muy+frio|muy+fria",
        ],
        &["dryer*|oven*|stove*|range|microwave*|dishwasher*|secadora*|horno*|lavavajillas|waterheater|iron|plancha|blanket|fridge*|refrigerator*|freezer*|refri|nevera*|congelador*|ac|shower*|ducha|regadera|pipe*|tuberia*|food|comida|spaceheater"],
    ),
    // ---- Lockout ----------------------------------------------------------------------------
    clause(
        Fact::Lockout,
        &[
            "locked+out|lockout|lock+out|locked+outside",
            "lock*|locked ~2 myself|me|us|ourselves|ourself|himself|herself|themselves ~2 out|outside",
            "not ~2 get+in|get+into|get+inside|getting+in|getting+into|go+in|back+in|enter|entering|open+the+door|open+my+door|open+the+front+door|unlock",
            "unable+to ~2 get+in|get+into|enter|open+the+door|unlock",
            "left|locked|forgot ~3 keys|key|fob|keycard ~4 inside|in+the+apartment|in+my+apartment|in+the+unit|in+the+house|in+there",
            "keys|key|fob|keycard|keypad|code|llave*|tarjeta ~3 not+work*|not+open*|not+turn*|not+fit*|no+abre|no+sirve|no+funciona|no+entra|no+gira",
            "me+quede|nos+quedamos|quede|quedamos ~2 afuera|fuera|sin+llave*",
            "no+puedo|no+podemos|no+pude ~2 entrar|abrir+la+puerta|abrir+mi+puerta|abrir+la+cerradura",
            "deje|olvide|quedaron|olvidaron|dejamos ~3 llave* ~3 adentro|dentro",
        ],
        &["touch|contact|account|app|portal|website|site|online|email|login|password|closet|cabinet*|mailbox|buzon|storage|tub|bathtub|shower|car|coche|carro|pool|gym|laundry|attic|crawl*|bed|window*|ventana*|bathroom*|bedroom*|garage|fridge|oven|dishwasher|washer|dryer|jar|phone|wifi|internet|waterheater"],
    ),
    // ---- Security breach --------------------------------------------------------------------
    clause(
        Fact::SecurityBreach,
        &[
            "door|doors|deadbolt*|puerta ~3 not+lock*|not+latch*|not+close|not+closing|not+shut|not+stay+closed|not+stay+shut|not+secure*|no+cierra|no+se+cierra|no+tiene+seguro|no+traba|no+asegura",
            "not+lock|not+close|not+secure|no+puedo+cerrar|no+puedo+asegurar ~3 door|doors|front|apartment|unit|house|puerta|casa|departamento|depa",
            "lock|locks|deadbolt*|doorknob|door+handle|cerradura*|chapa*|cerrojo*|strike+plate ~3 broken|broke|busted|damaged|jammed|missing|stuck|not+work*|not+function*|fell+off|came+off|rota|roto|descompuest*|no+sirve|no+funciona|danad*|forzad*",
            "broken|broke|busted|damaged|jammed ~2 lock|locks|deadbolt*|doorknob|cerradura*|chapa*",
        ],
        &["bathroom*|bedroom*|closet|cabinet*|cupboard|shower|oven|dishwasher|fridge|refrigerator|freezer|washer|dryer|microwave|interior|screen|car|bano|recamara|cuarto|armario|horno|refri|gabinete*|alacena|regadera|pantry|laundry|mailbox|buzon|storm|shed|toilet|window*|ventana*"],
    ),
    clause(
        Fact::SecurityBreach,
        &[
            "broken|broke|busted|shattered|smashed|rota|roto|quebrad*|estrellad* ~2 window*|glass|ventana*|vidrio*|cristal*|sliding+door|patio+door",
            "window*|glass|ventana*|vidrio*|cristal*|sliding+door|patio+door ~3 broken|broke|busted|shattered|smashed|rota|roto|rotos|rotas|quebrad*|estrellad*|romp*|se+rompio|not+lock*|not+latch*|not+close|not+shut|no+cierra|no+se+cierra",
        ],
        &["screen*|blind*|ac|crank|mirror|oven|microwave|shower|table|cabinet*|mosquitero|persiana*|espejo|horno|tint|track|sill|seal|fogg*|condensation|draft*|frame|caulk*|shade*|curtain*|cortina*|picture|tv|phone|glasses|cup|jar|bottle|lamp"],
    ),
    clause(
        Fact::SecurityBreach,
        &[
            "break+in|break+ins|breakin|broke+in|broken+into|broke+into|burglar*|burglary|robbed|robbery|intruder*|trespass*",
            "someone|somebody|people|alguien ~2 broke+in|broke+into|forced|tried+to+get+in|tried+to+break",
            "forced ~2 open|entry|door|in|lock",
            "kicked ~2 in|open|door",
            "door|puerta ~3 kicked+in|forced|pried|pateada|forzada|reventada",
            "robo|robaron|ladron*|allanamiento|se+metieron|entraron+a+robar",
            "forzaron|rompieron|patearon ~3 puerta|cerradura|chapa|ventana",
        ],
        &[],
    ),
    // ---- Urgent -----------------------------------------------------------------------------
    clause(
        Fact::NoHotWater,
        &[
            "no+hot+water|no+warm+water|sin+agua+caliente|no+hay+agua+caliente|no+tengo+agua+caliente|no+tenemos+agua+caliente|no+sale+agua+caliente|only+cold+water|solo+sale+agua+fria|solo+agua+fria|solo+hay+agua+fria",
            "not ~3 hot+water|warm+water",
            "hot+water|agua+caliente ~3 not+work*|gone|not+com*|stopped|cold|runs+cold|broken|no+sale|no+funciona|no+hay|se+acabo|not+get*+hot|fria",
            "hot+water ?is|went|has+gone|has+been|was|goes ?completely|totally out",
            "water|agua ~3 not+get*+hot|not+get*+warm|never+gets+hot|never+gets+warm|not+heat*|no+calienta|no+se+calienta|sale+fria|stays+cold|always+cold|ice+cold",
            "waterheater ~3 not+work*|broken|broke|died|dead|stopped|not+turn*|not+heat*|not+light*|not+function*|pilot|no+funciona|no+sirve|no+prende|no+enciende|no+calienta|descompuest*|apagad*|se+apago",
            "waterheater ?is|went|has+gone ?completely out",
        ],
        &[],
    ),
    clause(
        Fact::NoCooling,
        &[
            "no+ac|without+ac|sin+ac|no+hay+ac|no+air|without+air|sin+aire|no+hay+aire|no+cooling|sin+clima",
            "ac|air|cooling|cooler|aire|enfriador|evaporative+cooler|swamp+cooler ~3 not+work*|not+cool*|not+cold|not+turn*|not+com*|not+blow*|not+function*|not+start*|stopped|quit|died|dead|broken|broke|busted|blowing+warm|blowing+hot|blows+warm|blows+hot|warm+air|hot+air|room+temperature|frozen|freezing+up|iced+up|ice|no+enfria|no+funciona|no+sirve|no+prende|no+enciende|no+sale+frio|descompuest*|echa+aire+caliente|sale+aire+caliente|aire+caliente|warm|hot",
            "ac|cooling ?is|went|has+gone|was ?completely out",
        ],
        &["fridge*|refrigerator*|freezer*|refri|refrigerador*|nevera*|congelador*|fryer|freshener|purifier|bubble*|pipe*|mattress|tire*|tyre*|car|coche|carro|lock"],
    ),
    clause(
        Fact::FridgeWarm,
        &[
            "fridge*|refrigerator*|freezer*|refri|refrigerador*|nevera*|congelador*|icebox ~3 not+cool*|not+cold|not+freez*|not+keep*|not+work*|not+function*|not+turn*|stopped|died|dead|broken|broke|busted|warm|hot|defrost*|thaw*|melting|room+temperature|no+enfria|no+congela|no+funciona|no+sirve|no+prende|caliente|descompuest*|se+descongel*|no+esta+frio|no+esta+fria",
            "food ~3 spoil*|going+bad|rotting|gone+bad|thaw*|melt*",
            "comida ~3 echa+a+perder|echando+a+perder|pudre|pudriendo|descompon*|se+echo+a+perder",
        ],
        &["icemaker|light|bulb|foco|handle|shelf|drawer|manija|cajon|repisa"],
    ),
    clause(
        Fact::ToiletClogged,
        &[
            "toilet*|inodoro*|excusado*|escusado*|commode|wc ~3 clog*|not+flush*|not+go+down|not+drain*|backed+up|backing+up|backs+up|overflow*|plugged|stopped+up|blocked|tapad*|no+baja|no+jala|desborda*|se+tapo|no+se+va|no+descarga",
            "clog*|tapad*|tapo|plugged|stopped+up|overflow* ~3 toilet*|inodoro*|excusado*|escusado*",
            "bano|taza ~2 tapado|tapada|no+baja|no+jala|se+tapo",
        ],
        &[],
    ),
    clause(
        Fact::NoPower,
        &[
            "no+power|no+electricity|lost+power|without+power|sin+luz|no+hay+luz|sin+electricidad|no+hay+electricidad|sin+corriente|no+hay+corriente|no+tengo+luz|no+tenemos+luz|se+fue+la+luz|se+corto+la+luz|se+fue+la+electricidad|power+outage|apagon",
            "power|electricity ~2 out|outage|gone|cut+off|down|not+work*",
            "outlets|plugs|sockets|enchufes|contactos ~5 not+work*|dead|stopped|not+function*|no+funcionan|no+sirven|no+tienen+corriente|no+dan+corriente|out",
            "half|part|some|several|multiple|mitad|varios|varias|parte ~3 outlets|plugs|lights|apartment|unit|house|rooms|enchufes|contactos|luces|casa|departamento ~5 not+work*|out|dead|no+power|no+funcionan|sin+luz|no+sirven",
            "lights ~5 out|not+work*|not+turn*|not+com*|dead|stopped+working|went+off|no+funcionan|no+sirven",
            "luces ~3 no+funcionan|no+prenden|no+encienden|no+sirven|se+apagaron",
        ],
        &["pilot|fridge*|refrigerator*|freezer*|oven*|dishwasher*|washer*|dryer*|microwave*|stove*|ac|button|car|coche|flicker*|parpadea*|coalarm|smokealarm"],
    ),
    clause(
        Fact::BreakerTrips,
        &[
            "breaker*|panel|fuse*|gfci|pastilla*|breakers ~3 trip*|keeps+going+off|flipped|flips|blow*|blew|blown|se+bota|se+baja|se+bajo|se+botan|se+cae|se+bajan",
            "trip*|blew|blown|blows|flips ~3 breaker*|fuse*|panel|gfci",
        ],
        &[],
    ),
    clause(
        Fact::HotOutlet,
        &[
            "outlet*|plug|plugs|switch|switches|panel|breaker*|enchufe*|contacto*|apagador*|socket* ?is|are|feels|feel|gets|getting|got|was|were|runs|esta|estan|se+siente|se+pone ?very|really|too|super|extremely|muy hot|warm|caliente|calientes|buzzing|buzzes|humming|hums|crackling|crackles|zumba|zumbando",
            "buzz*|crackl*|humming|zumbido ~3 outlet*|panel|breaker*|switch|switches|enchufe*|contacto*",
        ],
        &[],
    ),
    clause(
        Fact::NoWater,
        &[
            "no+water|no+running+water|sin+agua|no+hay+agua|no+tengo+agua|no+sale+agua|no+tenemos+agua",
            "water|agua ~2 shut+off|turned+off|cut+off|not+com*+out|not+running|not+work*|no+sale|se+corto|cortaron",
        ],
        &["hot|warm|caliente|fria|pressure|presion|tank|fridge*|refrigerator*|dispenser|icemaker|damage|waterheater|bill|factura|floor|piso|leak*|ceiling|puddle*|charco*|everywhere"],
    ),
    clause(
        Fact::FrozenPipes,
        &[
            "frozen|froze|freezing|congelad* ~2 pipe*|tuberia*|tubo*|cano*",
            "pipe*|tuberia*|tubo*|cano* ~3 frozen|froze|freezing|congelad*|se+congel*",
        ],
        &[],
    ),
    clause(
        Fact::LostKeys,
        &[
            "lost|misplaced|perdi|perdimos ~3 key|keys|fob|keycard|llave*|tarjeta",
            "key|keys|fob|keycard|llave*|tarjeta ~3 stolen|robad*|lost|missing|se+perdi*|perdid*",
            "stolen ~2 key|keys|fob|purse|wallet",
            "robaron ~3 llave*",
        ],
        &[],
    ),
    clause(
        Fact::Leak,
        &[
            "leak|leaks|leaking|leaked|leaky|leakage|drip|drips|dripping|dripped|gotea|goteando|goteo|fuga|fugas|filtra*|filtracion|escurre|escurriendo|seep*",
            "puddle*|charco*",
            "water|agua ~3 under+the+sink|under+sink|coming+from|coming+out+of+the+wall|on+the+floor|debajo+del+fregadero|en+el+piso",
        ],
        &["gas|propane|propano|coalarm|monoxide|monoxido|carbon|roof*|tejado|azotea|shingle*|rain|raining|lluvia|llueve|air|oil|aceite|battery|memory"],
    ),
    sentence(
        Fact::RoofLeak,
        &[
            "roof*|tejado|azotea|shingle*|skylight* ~4 leak*|drip*|gotea*|gotera*|filtra*|water+coming|water+comes",
            "leak*|gotera*|drip*|gotea* ~4 roof*|tejado|azotea|skylight*",
            "rain|raining|rains|lluvia|llueve ~4 leak*|coming+in|comes+in|gotea*|gotera*|entra|se+mete|filtra*|drip*",
            "leak*|gotera*|gotea*|coming+in|comes+in|entra|drip* ~4 rain|raining|rains|lluvia|llueve",
            "gotera|goteras",
        ],
        &[],
    ),
    // ---- Routine ----------------------------------------------------------------------------
    clause(
        Fact::MinorLeak,
        &["water+stain*|wet+spot*|mancha+de+humedad|manchas+de+humedad|humedad|damp"],
        &[],
    ),
    clause(
        Fact::RunningToilet,
        &[
            "toilet*|inodoro*|excusado*|escusado*|taza|tank ~3 running|runs|keeps+running|not+stop+running|constantly+running|refill*|hissing|sigue+corriendo|corre|no+deja+de+correr|no+para+de+correr|se+sigue+llenando|keeps+filling",
            "running+toilet",
        ],
        &[],
    ),
    clause(
        Fact::SlowDrain,
        &[
            "drain*|sink*|tub|bathtub|shower|lavabo*|fregadero*|tina|regadera|coladera*|lavamanos|ducha ~3 clog*|slow*|backed+up|backing+up|backs+up|blocked|not+drain*|stopped+up|plugged|tapad*|no+baja|no+drena|no+se+va|standing+water|se+tapo",
            "clog*|tapad*|plugged|stopped+up|atascad* ~3 drain*|sink*|tub|bathtub|shower|lavabo*|fregadero*|tina|regadera|coladera*|lavamanos|ducha",
            "clogged|clog|tapado|tapada|atascado",
        ],
        &["toilet*|inodoro*|excusado*|escusado*|taza|bano|wc|commode"],
    ),
    clause(Fact::Disposal, &["disposal"], &[]),
    clause(
        Fact::DeadOutlet,
        &["outlet|plug|socket|enchufe|contacto ~3 not+work*|dead|stopped+working|not+function*|no+funciona|no+sirve|no+da+corriente|no+tiene+corriente"],
        &[],
    ),
    clause(
        Fact::LightOut,
        &[
            "light|bulb|fixture|lamp|foco|lampara|bombilla|luz ~3 out|not+work*|not+turn*|flicker*|burned+out|burnt+out|dead|no+funciona|no+prende|no+enciende|se+fundio|se+quemo|parpadea*",
            "flicker*|parpadea*",
        ],
        &["pilot|piloto|fridge*|refrigerator*|oven*|microwave*|engine|coalarm|smokealarm|waterheater"],
    ),
    clause(
        Fact::Pests,
        &["roach*|cockroach*|mouse|mice|rat|rats|rodent*|bedbugs|bedbug*|ants|ant|termite*|wasp*|hornet*|bees|beehive|pest|pests|flea*|spider*|droppings|exterminator|fumigat*|cucaracha*|raton*|rata|ratas|roedor*|chinche*|hormiga*|termita*|avispa*|abeja*|pulga*|arana*|plaga*|fumigar|squirrel*|raccoon*|possum*|opossum*|bat|bats|ardilla*|mapache*|murcielago*|gnat*|silverfish|scorpion*|alacran*|escorpion*|mosquito*|moscas|flies|vermin"],
        &[],
    ),
    clause(
        Fact::Thermostat,
        &["thermostat*|termostato ~3 blank|not+work*|dead|broken|no+funciona|no+prende|not+respond*|not+turn*"],
        &[],
    ),
    clause(
        Fact::SewerSmell,
        &[
            "sewer|sewage|septic|drain|drains|cano|caneria|drenaje|aguas+negras ~3 smell*|odor*|stink*|stench|olor|huele|apesta",
            "smell*|odor*|stink*|stench|olor*|huele*|apesta* ~3 sewer|sewage|septic|drain|drains|drenaje|cano|caneria|aguas+negras|caca",
        ],
        &[],
    ),
    clause(
        Fact::Mold,
        &["mold|moldy|mildew|moho|hongo|hongos|mould|mouldy"],
        &[],
    ),
    clause(
        Fact::ApplianceFault,
        &["dishwasher*|washer*|dryer*|oven*|stove*|range|microwave*|icemaker|cooktop*|lavadora*|secadora*|lavavajillas|horno*|estufa*|microondas|burner*|quemador* ~3 not+work*|broken|broke|not+drain*|not+dry*|not+heat*|not+spin*|not+start*|not+turn*|not+light*|not+clean*|not+function*|leak*|noise|noisy|loud|stopped|dead|died|no+funciona|no+sirve|no+prende|no+calienta|descompuest*|no+seca|no+lava|no+enciende|no+centrifuga"],
        &[],
    ),
    clause(
        Fact::PilotOut,
        &["pilot|piloto ~3 out|not+stay*|not+light*|not+lit|keeps+going+out|goes+out|went+out|off|apagad*|se+apago|no+prende|no+enciende|no+se+queda"],
        &[],
    ),
];

/// Phrases that say the water has stopped, read after a water fact in the same or next sentence.
const STOPPED: &[&str] = &[
    "it|its|leak|leaking|water|pouring|flooding|dripping|agua|fuga ?has|is|finally|now|already ?finally stopped",
    "stopped|quit ~2 leaking|pouring|flooding|dripping|gushing",
    "not ~2 leaking|pouring|flooding|dripping ~2 anymore|any+more|now",
    "no+longer ~2 leaking|pouring|flooding|dripping",
    "ya+no ~2 gotea|sale|cae|hay+agua|se+sale|tira",
    "ya+paro|ya+se+detuvo|se+detuvo",
    "dejo+de ~2 gotear|salir|caer|tirar",
    "under+control",
];

/// Words that may stand between a negation and what it negates ("there isn't any gas smell").
const FILLERS: &[&str] = &[
    "a", "an", "the", "any", "some", "more", "much", "many", "signs", "sign", "sort", "kind", "of",
    "there", "theres", "is", "are", "was", "were", "be", "been", "being", "it", "its", "really",
    "actually", "visible", "obvious", "strong", "real", "even", "still", "longer", "evidence",
    "trace", "traces", "smell", "smelled", "smelt", "smelling", "see", "seen", "seeing", "notice",
    "noticed", "noticing", "detect", "detected", "hear", "heard", "feel", "felt", "i", "we", "can",
    "could", "do", "does", "did", "have", "has", "had", "at", "all", "currently", "so", "too",
    "such", "that", "this", "my", "our", "ever", "further", "seem", "seems", "obviously",
    "definitely", "hay", "habia", "un", "una", "unos", "unas", "ningun", "ninguna", "ninguno", "el",
    "la", "los", "las", "de", "del", "mas", "ya", "se", "me", "nos", "veo", "siento", "huelo",
    "tengo", "tenemos", "esta", "estan", "es", "muy",
];

const NEGATORS: &[&str] = &[
    "no", "not", "never", "without", "nothing", "none", "neither", "nor", "sin", "nunca", "ni",
    "tampoco",
];

/// "No sparks or smoke": after "or", the walk back may step over the other listed thing.
const LIST_JOINERS: &[&str] = &["or", "nor", "o", "ni"];

/// Just before a water fact, these say it is over ("stopped leaking").
const STOPPERS: &[&str] = &["stopped", "quit"];

// ---------------------------------------------------------------------------------------------
// Scanning and settling
// ---------------------------------------------------------------------------------------------

/// One match of a rule: token range `start..end`, plus why it may not count.
#[derive(Debug, Clone)]
struct Hit {
    fact: Fact,
    start: usize,
    end: usize,
    /// Token index of the negation that voids this match.
    negated_by: Option<usize>,
    /// Token range of the later phrase saying the water stopped.
    stopped_by: Option<Range<usize>>,
}

impl Hit {
    fn active(&self) -> bool {
        // A flood that stopped still happened: it lives on as `StoppedFlood`.
        self.negated_by.is_none() && (self.stopped_by.is_none() || self.fact == Fact::StoppedFlood)
    }
}

fn scan(text: &Text) -> Vec<Hit> {
    let mut hits: Vec<Hit> = Vec::new();
    for rule in RULES {
        let units = match rule.scope {
            Scope::Clause => &text.clauses,
            Scope::Sentence => &text.sentences,
        };
        for unit in units {
            if rule.unless.iter().any(|p| text.has(p, unit.clone())) {
                continue;
            }
            for phrase in rule.phrases {
                for m in text.find(phrase, unit.clone()) {
                    if hits.iter().any(|h| h.fact == rule.fact && h.start == m.start) {
                        continue;
                    }
                    hits.push(Hit {
                        fact: rule.fact,
                        start: m.start,
                        end: m.end,
                        negated_by: text.negation_before(m.start, rule.fact.resolvable()),
                        stopped_by: None,
                    });
                }
            }
        }
    }
    hits.sort_by_key(|h| (h.start, h.end));
    hits
}

/// Names the facts that need the whole description, and voids water facts that stopped.
fn settle(text: &Text, hits: &mut [Hit]) {
    let all = text.all();
    let battery = text.has(BATTERY, all.clone());
    let fire_ruled_out = hits
        .iter()
        .any(|h| h.fact == Fact::FireOrSparks && h.negated_by.is_some())
        || text.has(
            "false+alarm|no+reason|randomly|random|cooking|cooked|steam|shower*|toast|falsa+alarma|sin+razon|cocinando|vapor",
            all.clone(),
        );
    let heating = text.has(HEAT_WORDS, all.clone());
    let other_toilet = text.has(
        "other|second|another|guest|half|extra|2|two|otro|segundo ~2 toilet*|bathroom*|bath|baths|bano|banos|inodoro*",
        all.clone(),
    ) || text.has("2+bathrooms|two+bathrooms|dos+banos", all);

    for h in hits.iter_mut() {
        if h.negated_by.is_none() && h.fact.resolvable() {
            h.stopped_by = text.stopped_after(h.end);
        }
        h.fact = match h.fact {
            Fact::CoChirp if battery => Fact::DetectorChirp,
            Fact::CoChirp => Fact::CarbonMonoxide,
            Fact::SmokeAlarm if battery => Fact::DetectorChirp,
            Fact::SmokeAlarm if fire_ruled_out => Fact::DetectorFault,
            Fact::SmokeAlarm => Fact::FireOrSparks,
            Fact::PilotOut if heating => Fact::NoHeat,
            Fact::PilotOut => Fact::NoHotWater,
            Fact::Flooding if h.stopped_by.is_some() => Fact::StoppedFlood,
            Fact::ToiletClogged if other_toilet => Fact::SpareToiletClogged,
            Fact::Leak => {
                let sentence = text.sentence_of(h.start);
                let clause = text.clause_of(h.start);
                if text.has(CONTAINED, sentence) {
                    Fact::ContainedLeak
                } else if text.has(FAUCET, clause.clone()) {
                    Fact::FaucetDrip
                } else if text.has(MINOR, clause) {
                    Fact::MinorLeak
                } else {
                    Fact::Leak
                }
            }
            f => f,
        };
    }
}

/// The fact the decision rests on: the most dangerous emergency, else the first urgent fact,
/// else the first routine one.
fn pick_primary(hits: &[Hit], cold: bool) -> Option<&Hit> {
    let active = || hits.iter().filter(|h| h.active());
    let emergency = active()
        .filter_map(|h| {
            let kind = h.fact.emergency(cold)?;
            let rank = EMERGENCY_RANK.iter().position(|k| *k == kind)?;
            Some((rank, h))
        })
        .min_by_key(|(rank, h)| (*rank, h.start))
        .map(|(_, h)| h);
    emergency
        .or_else(|| active().find(|h| h.fact.priority(cold) == Priority::Urgent))
        .or_else(|| active().next())
}

fn describe_facts(
    text: &Text,
    hits: &[Hit],
    primary: Option<&Hit>,
    cold: bool,
    drivers: &mut Vec<String>,
) {
    let mut seen: Vec<Fact> = Vec::new();
    if let Some(p) = primary {
        drivers.push(format!("mentions \"{}\"", text.quote(p.start..p.end)));
        seen.push(p.fact);
    }
    for h in hits.iter().filter(|h| h.active()) {
        if seen.contains(&h.fact) {
            continue;
        }
        seen.push(h.fact);
        let quote = text.quote(h.start..h.end);
        match h.fact.emergency(cold) {
            Some(kind) => drivers.push(format!("also mentions \"{quote}\" ({})", kind.label())),
            None => drivers.push(format!("also mentions \"{quote}\"")),
        }
    }
    let mut reported_stops: Vec<Range<usize>> = Vec::new();
    if let Some(p) = primary {
        if let Some(stop) = &p.stopped_by {
            drivers.push(format!(
                "\"{}\" says the water has stopped, so it is urgent rather than an emergency",
                text.quote(stop.clone())
            ));
            reported_stops.push(stop.clone());
        }
        if p.fact == Fact::NoHeat {
            drivers.push(if cold {
                "the heating season is on, so no heat is an emergency".to_string()
            } else {
                "outside the heating season, so no heat is urgent rather than an emergency"
                    .to_string()
            });
        }
        if p.fact == Fact::DetectorChirp && text.has(BATTERY, text.all()) {
            drivers.push("mentions a battery, so it is read as a low-battery chirp".to_string());
        }
        if p.fact == Fact::DetectorFault {
            drivers.push(
                "a smoke alarm is sounding, but the description rules out smoke or fire"
                    .to_string(),
            );
        }
        if p.fact == Fact::SpareToiletClogged {
            drivers.push("mentions another toilet, so the clog is not urgent".to_string());
        }
    }
    let mut voided: Vec<Fact> = Vec::new();
    for h in hits.iter().filter(|h| !h.active()) {
        if seen.contains(&h.fact) || voided.contains(&h.fact) {
            continue;
        }
        voided.push(h.fact);
        if let Some(neg) = h.negated_by {
            drivers.push(format!(
                "\"{}\" is negated, so it does not count",
                text.quote(neg..h.end)
            ));
        } else if let Some(stop) = &h.stopped_by
            && !reported_stops.contains(stop)
        {
            drivers.push(format!(
                "\"{}\" says the water has stopped",
                text.quote(stop.clone())
            ));
            reported_stops.push(stop.clone());
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Trade
// ---------------------------------------------------------------------------------------------

/// Words that name a trade, with a weight: 3 for words only one trade fixes (roof), 2 for
/// specific fixtures and devices, 1 for words that also name a place or a symptom (sink, light,
/// door), so "the outlet by the sink sparks" reads as electrical.
const VOCABULARY: &[(&str, Trade, u32)] = &[
    (
        "toilet*|inodoro*|excusado*|escusado*|faucet*|drain*|pipe*|plumb*|shower*|tub|tubs|bathtub*|waterheater|clog*|plunger|sewer*|sewage|septic|disposal|valve*|spigot*|tuberia*|tubo|tubos|cano|canos|caneria*|drenaje|desague*|regadera*|ducha*|tina|lavabo*|fregadero*|lavamanos|coladera*|aguas+negras",
        Trade::Plumbing,
        2,
    ),
    (
        "sink|sinks|water|agua|leak*|fuga*|gotea*|gas",
        Trade::Plumbing,
        1,
    ),
    (
        "outlet*|electric*|breaker*|panel|wiring|wire|wires|switch|switches|gfci|gfi|circuit*|fuse*|enchufe*|contacto*|apagador*|electricidad|electrico*|cable*|voltage|socket*|plug|plugs",
        Trade::Electrical,
        2,
    ),
    (
        "light|lights|bulb|fixture|lamp|flicker*|power|luz|luces|foco*|lampara*",
        Trade::Electrical,
        1,
    ),
    (
        "furnace*|heater|heaters|heating|boiler|radiator*|ac|hvac|thermostat*|duct*|heat+pump|calefaccion|calefactor|calentador|caldera|termostato|vent|vents|cooler",
        Trade::Hvac,
        2,
    ),
    ("heat|cooling|air|aire|calor|filter|filtro", Trade::Hvac, 1),
    (
        "fridge*|refrigerator*|freezer*|refri|refrigerador*|nevera*|congelador*|dishwasher*|washer*|dryer*|oven*|stove*|range|microwave*|cooktop*|icemaker|appliance*|lavadora*|secadora*|lavavajillas|horno*|estufa*|microonda*|dispenser",
        Trade::Appliance,
        2,
    ),
    (
        "lock|locks|locked|lockout|deadbolt*|key|keys|keypad|keycard|fob|doorknob|cerradura*|chapa*|candado*|cerrojo*|rekey*|unlock*",
        Trade::Locksmith,
        2,
    ),
    ("llave*", Trade::Locksmith, 1),
    (
        "roach*|cockroach*|mouse|mice|rat|rats|rodent*|bedbugs|bedbug*|ants|termite*|wasp*|hornet*|bees|beehive|pest|pests|flea*|spider*|droppings|exterminator|cucaracha*|raton*|rata|ratas|roedor*|chinche*|hormiga*|termita*|avispa*|abeja*|pulga*|arana*|plaga*|squirrel*|raccoon*|ardilla*|mapache*|gnat*|scorpion*|alacran*|mosquito*|moscas|vermin",
        Trade::Pest,
        2,
    ),
    (
        "roof*|shingle*|gutter*|skylight*|tejado*|azotea*|gotera*|canaleta*",
        Trade::Roofing,
        3,
    ),
    ("techo", Trade::Roofing, 1),
    ("mold|moldy|mildew|moho|mould", Trade::General, 2),
    (
        "door|doors|window*|drywall|paint*|cabinet*|drawer*|closet*|carpet*|tile|tiles|stair*|railing*|fence*|gate|screen*|blind*|puerta*|ventana*|pared*|piso|pisos|gabinete*|vidrio*|glass|countertop*|baseboard*|hinge*",
        Trade::General,
        1,
    ),
];

/// How much more a trade word counts inside the clause of the deciding fact.
const CLAUSE_WEIGHT: u32 = 3;
/// The deciding fact's usual trade gets this much, so it wins when the words are silent or tied.
const FACT_BONUS: u32 = 2;

struct TradeChoice {
    trade: Trade,
    words: Vec<String>,
}

impl TradeChoice {
    fn reason(&self, primary: Option<&Hit>) -> String {
        if !self.words.is_empty() {
            let quoted: Vec<String> = self.words.iter().map(|w| format!("\"{w}\"")).collect();
            format!("words point to {}: {}", self.trade.as_str(), quoted.join(", "))
        } else if let Some(p) = primary {
            format!(
                "{} is the usual trade for {}",
                self.trade.as_str(),
                p.fact.label()
            )
        } else {
            "no trade-specific words, so general repair".to_string()
        }
    }
}

fn choose_trade(text: &Text, primary: Option<&Hit>) -> TradeChoice {
    let n = Trade::ALL.len();
    let mut score = vec![0u32; n];
    let mut first = vec![usize::MAX; n];
    let mut words: Vec<Vec<String>> = vec![Vec::new(); n];
    let home = primary.map(|h| text.clause_of(h.start));
    for (phrase, trade, weight) in VOCABULARY {
        let Some(i) = Trade::ALL.iter().position(|t| t == trade) else {
            continue;
        };
        for m in text.find(phrase, text.all()) {
            let near = home.as_ref().is_some_and(|c| c.contains(&m.start));
            score[i] += weight * if near { CLAUSE_WEIGHT } else { 1 };
            first[i] = first[i].min(m.start);
            let word = text.quote(m);
            if !words[i].contains(&word) {
                words[i].push(word);
            }
        }
    }
    let default = primary.map(|h| h.fact.default_trade());
    if let Some(d) = default
        && let Some(i) = Trade::ALL.iter().position(|t| *t == d)
    {
        score[i] += FACT_BONUS;
    }
    // Highest score; ties go to the deciding fact's usual trade, then to the word said first.
    let best = (0..n).max_by(|&a, &b| {
        let key = |i: usize| {
            (
                score[i],
                default == Some(Trade::ALL[i]),
                std::cmp::Reverse(first[i]),
            )
        };
        key(a).cmp(&key(b))
    });
    match best {
        Some(i) if score[i] > 0 => {
            let mut w = std::mem::take(&mut words[i]);
            w.truncate(3);
            TradeChoice {
                trade: Trade::ALL[i],
                words: w,
            }
        }
        _ => TradeChoice {
            trade: Trade::General,
            words: Vec::new(),
        },
    }
}

// ---------------------------------------------------------------------------------------------
// Diagnosis
// ---------------------------------------------------------------------------------------------

const ROOMS: &[(&str, &str)] = &[
    ("kitchen|cocina", "kitchen"),
    ("bathroom*|bath|restroom|washroom|bano|banos", "bathroom"),
    ("bedroom*|recamara*|habitacion*|dormitorio*|cuarto", "bedroom"),
    ("living+room|livingroom|lounge|sala", "living room"),
    ("basement|sotano", "basement"),
    ("laundry*|lavanderia", "laundry room"),
    ("hallway|hall|pasillo", "hallway"),
    ("garage|cochera", "garage"),
    ("attic|atico", "attic"),
];

fn diagnose(text: &Text, primary: Option<&Hit>, trade: Trade, cold: bool) -> String {
    let Some(h) = primary else {
        if text.toks.is_empty() {
            return "No description given: the tenant needs to be asked what is wrong.".to_string();
        }
        return format!(
            "{} request with no urgent or emergency signs in the description.",
            trade.label()
        );
    };
    let sentence = text.sentence_of(h.start);
    let near = |p: &str| text.has(p, sentence.clone());
    let room = text.room(h);
    let in_room = room.map(|r| format!(" in the {r}")).unwrap_or_default();
    match h.fact {
        Fact::Gas => format!(
            "Possible gas leak{in_room}: everyone must get out and the gas company must check it."
        ),
        Fact::CarbonMonoxide => format!(
            "Possible carbon monoxide{in_room}, likely from a fuel-burning appliance such as the \
             furnace, water heater or stove."
        ),
        Fact::Flooding => {
            let cause = if near("roof*|ceiling|techo|upstairs|arriba") {
                format!("Likely a major leak from above{in_room}")
            } else if near("waterheater") {
                format!("Likely a failed water heater tank{in_room}")
            } else if near("pipe*|tubo*|tuberia*|cano|caneria*|water+line|supply+line") {
                format!("Likely a burst pipe{in_room}")
            } else if near("sink*|fregadero*|lavabo*|lavamanos") {
                let adj = room.map(|r| format!("{r} ")).unwrap_or_default();
                format!("Likely a failed supply line under the {adj}sink")
            } else if near("toilet*|inodoro*|excusado*") {
                format!("Likely a failed toilet supply line or overflow{in_room}")
            } else if near("washer|lavadora*") {
                format!("Likely a burst washing-machine hose{in_room}")
            } else if near("dishwasher*|lavavajillas") {
                format!("Likely a failed dishwasher hose{in_room}")
            } else {
                format!("Likely a burst pipe or failed supply line{in_room}")
            };
            format!("{cause}: active water leak.")
        }
        Fact::FireOrSparks => {
            if near("fire|fires|flames|fuego|incendio*|llamas|ablaze|blaze") {
                format!("Reported fire{in_room}: the fire department must be called.")
            } else if near("panel|breaker*") {
                "Sparks, smoke or a burning smell at the electrical panel: likely an overheating \
                 breaker or connection, a fire risk."
                    .to_string()
            } else if near("outlet*|plug|plugs|socket*|enchufe*|contacto*|switch|switches|apagador*")
            {
                format!(
                    "Sparks, smoke or burning at an outlet or switch{in_room}: likely a loose \
                     connection or failing device, a fire risk."
                )
            } else if near("dryer*|oven*|stove*|range|microwave*|dishwasher*|washer*|fridge*|refrigerator*|secadora*|horno*|estufa*|microondas|lavadora*|refri") {
                format!("Sparks, smoke or burning from an appliance{in_room}: a fire risk.")
            } else if near("smokealarm") {
                format!("Smoke alarm sounding{in_room}: possible fire until proven otherwise.")
            } else {
                format!(
                    "Sparks, smoke or a burning smell{in_room}: possible electrical fault, a fire \
                     risk."
                )
            }
        }
        Fact::Sewage => format!("Likely a blocked main sewer line: sewage backing up{in_room}."),
        Fact::NoHeat if cold => "Heating is out during the heating season: likely a failed \
                                 furnace, boiler or heater, or its controls."
            .to_string(),
        Fact::NoHeat => "Heating is out, outside the heating season: likely a failed furnace, \
                         boiler or heater, or its controls."
            .to_string(),
        Fact::Lockout => {
            "Tenant locked out of the unit: needs a locksmith or a spare key.".to_string()
        }
        Fact::SecurityBreach => {
            if near("break+in|breakin|broke+in|broken+into|broke+into|burglar*|robbed|robbery|intruder*|forced|kicked|robo|robaron|ladron*|se+metieron|forzaron") {
                "Reported break-in: the unit must be secured and the damage repaired.".to_string()
            } else if near("window*|glass|ventana*|vidrio*|cristal*") {
                format!("Broken or unlockable window{in_room}: the unit can't be fully secured.")
            } else {
                "Entry door or lock won't secure: likely a broken lock, latch or a misaligned \
                 door."
                    .to_string()
            }
        }
        Fact::StoppedFlood => format!(
            "Water was coming in fast{in_room} but has stopped: the cause and any water damage \
             need checking."
        ),
        Fact::NoHotWater => {
            "No hot water: likely a water heater fault (pilot, burner, element or breaker)."
                .to_string()
        }
        Fact::NoCooling => "Air conditioning not cooling: likely a tripped breaker, clogged \
                            filter, frozen coil or failed part."
            .to_string(),
        Fact::FridgeWarm => "Refrigerator not keeping cold, food at risk: likely dirty coils, a \
                             failed fan or thermostat, or the compressor."
            .to_string(),
        Fact::ToiletClogged => format!(
            "Clogged toilet{in_room}: needs plunging or snaking, and it may be the only toilet."
        ),
        Fact::SpareToiletClogged => {
            format!("Clogged toilet{in_room}, with another toilet still usable.")
        }
        Fact::NoPower => "No power in part of the unit: likely a tripped breaker or GFCI, or a \
                          wiring fault."
            .to_string(),
        Fact::BreakerTrips => {
            "Breaker keeps tripping: likely an overloaded circuit or a fault on it.".to_string()
        }
        Fact::HotOutlet => format!(
            "Outlet or switch running hot or buzzing{in_room}: likely a loose connection, a fire \
             risk if ignored."
        ),
        Fact::NoWater => "No running water: likely a closed valve, a frozen or broken pipe, or a \
                          utility outage."
            .to_string(),
        Fact::FrozenPipes => {
            format!("Frozen pipes{in_room}: they may burst when they thaw.")
        }
        Fact::LostKeys => {
            "Keys lost or stolen: the lock may need rekeying and the tenant new keys.".to_string()
        }
        Fact::Leak => {
            if near("ceiling|techo") {
                format!("Leak through the ceiling{in_room}: likely a pipe, fixture or the roof above.")
            } else {
                format!("Active leak{in_room}: needs repair before it causes water damage.")
            }
        }
        Fact::ContainedLeak => {
            format!("Contained leak{in_room}: water is dripping but caught for now.")
        }
        Fact::RoofLeak => {
            format!("Roof leak{in_room}: rain is getting in and can damage ceilings and walls.")
        }
        Fact::DetectorChirp => {
            "Smoke or CO detector chirping or not working: likely a low battery or an expired \
             detector."
                .to_string()
        }
        Fact::DetectorFault => {
            "Smoke alarm sounding with no sign of fire: likely a faulty or dusty detector."
                .to_string()
        }
        Fact::MinorLeak => {
            format!("Small leak or damp spot{in_room}: likely a loose fitting, worn washer or seal.")
        }
        Fact::FaucetDrip => {
            format!("Dripping faucet{in_room}: likely a worn washer or cartridge.")
        }
        Fact::RunningToilet => {
            format!("Running toilet{in_room}: likely a worn flapper or fill valve.")
        }
        Fact::SlowDrain => {
            format!("Slow or clogged drain{in_room}: likely hair, grease or debris in the trap.")
        }
        Fact::Disposal => "Garbage disposal problem: likely jammed or tripped.".to_string(),
        Fact::DeadOutlet => format!(
            "Outlet not working{in_room}: likely a tripped GFCI or breaker, or a loose connection."
        ),
        Fact::LightOut => {
            format!("Light not working{in_room}: likely the bulb, switch or fixture.")
        }
        Fact::Pests => format!("Pests reported{in_room}: needs an exterminator visit."),
        Fact::Thermostat => {
            "Thermostat not working: likely dead batteries or a failed thermostat.".to_string()
        }
        Fact::SewerSmell => {
            format!("Sewer smell{in_room}: likely a dry drain trap or a failed toilet seal.")
        }
        Fact::Mold => format!(
            "Mold or mildew{in_room}: likely moisture from poor ventilation or a hidden leak."
        ),
        Fact::ApplianceFault => {
            format!("Appliance not working properly{in_room}: needs an appliance repair visit.")
        }
        Fact::CoChirp | Fact::SmokeAlarm | Fact::PilotOut => format!(
            "{} request with no urgent or emergency signs in the description.",
            trade.label()
        ),
    }
}

// ---------------------------------------------------------------------------------------------
// Text: folding, splitting, phrase matching
// ---------------------------------------------------------------------------------------------

/// One folded word and the byte range of the original text it came from.
#[derive(Debug, Clone)]
struct Tok {
    word: String,
    start: usize,
    end: usize,
    clause: usize,
    sentence: usize,
}

/// A folded description. Invariant: `clauses` and `sentences` are the token ranges of each
/// clause and sentence, in order, covering every token exactly once.
struct Text<'a> {
    src: &'a str,
    toks: Vec<Tok>,
    clauses: Vec<Range<usize>>,
    sentences: Vec<Range<usize>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Break {
    None,
    Clause,
    Sentence,
}

/// A word before clause and sentence ids are known; `brk` is the strongest break before it.
#[derive(Debug, Clone)]
struct Raw {
    word: String,
    start: usize,
    end: usize,
    brk: Break,
}

/// Words that join two facts; they end a clause so that "no heat and sparks" stays two facts.
const CONJUNCTIONS: &[&str] = &[
    "and", "but", "also", "plus", "although", "though", "however", "whereas", "except", "then",
    "because", "while", "y", "pero", "tambien", "aunque", "sino", "ademas", "luego", "entonces",
    "porque", "mientras",
];

/// Folded spellings joined into one word, most specific first: a water heater is not heating,
/// a smoke alarm is not smoke, a fire escape is not a fire.
const COMPOUNDS: &[(&str, &str)] = &[
    ("smoke ?and co|carbon+monoxide detector|detectors|alarm|alarms|sensor|sensors", "coalarm"),
    ("carbon+monoxide|monoxide|co|co2 detector|detectors|alarm|alarms|sensor|sensors|monitor|monitors", "coalarm"),
    ("detector|detectores|alarma|alarmas|sensor de monoxido ?de ?carbono", "coalarm"),
    ("detector|detectores|alarma|alarmas|sensor de co", "coalarm"),
    ("smoke|fire detector|detectors|alarm|alarms|sensor|sensors", "smokealarm"),
    ("detector|detectores|alarma|alarmas|sensor de humo|incendio|incendios", "smokealarm"),
    ("fire escape|extinguisher|extinguishers|exit|door|doors|hydrant|sprinkler|sprinklers|inspection|code|drill", "firesafety"),
    ("hot water heater|heaters|tank", "waterheater"),
    ("water heater|heaters|tank", "waterheater"),
    ("calentador|boiler de agua", "waterheater"),
    ("space heater|heaters", "spaceheater"),
    ("heat wave", "heatwave"),
    ("pilot light|lights", "pilot"),
    ("luz ?del piloto", "piloto"),
    ("a c", "ac"),
    ("air conditioning|conditioner|conditioners|con", "ac"),
    ("central air", "ac"),
    ("aire acondicionado", "ac"),
    ("mini split|splits", "ac"),
    ("minisplit|minisplits|aircon|clima", "ac"),
    ("garbage|trash disposal|disposer", "disposal"),
    ("disposer", "disposal"),
    ("triturador|trituradora ?de ?basura", "disposal"),
    ("breaker|fuse|electrical|electric box|panel", "panel"),
    ("caja de fusibles|breakers|pastillas", "panel"),
    ("centro de carga", "panel"),
    ("bed bug|bugs", "bedbugs"),
    ("washing machine", "washer"),
    ("ice maker", "icemaker"),
    ("light bulb|bulbs", "bulb"),
    ("lightbulb|lightbulbs", "bulb"),
    ("gas station|bill|mileage|prices|price", "gasbill"),
    ("door knob|knobs", "doorknob"),
    ("fire place", "fireplace"),
];

impl<'a> Text<'a> {
    fn new(src: &'a str) -> Text<'a> {
        let mut words: Vec<Raw> = Vec::new();
        for raw in lex(src) {
            let fixed = fix_typo(&raw.word);
            match expand(fixed) {
                Some(parts) => {
                    for (i, part) in parts.iter().enumerate() {
                        words.push(Raw {
                            word: (*part).to_string(),
                            start: raw.start,
                            end: raw.end,
                            brk: if i == 0 { raw.brk } else { Break::None },
                        });
                    }
                }
                None => words.push(Raw {
                    word: fixed.to_string(),
                    ..raw
                }),
            }
        }
        let words = join_compounds(words);

        let mut toks: Vec<Tok> = Vec::new();
        let mut pending = Break::None;
        let (mut clause, mut sentence) = (0, 0);
        for raw in words {
            let brk = pending.max(raw.brk);
            if CONJUNCTIONS.contains(&raw.word.as_str()) {
                pending = brk.max(Break::Clause);
                continue;
            }
            pending = Break::None;
            if !toks.is_empty() {
                match brk {
                    Break::Sentence => {
                        sentence += 1;
                        clause += 1;
                    }
                    Break::Clause => clause += 1,
                    Break::None => {}
                }
            }
            toks.push(Tok {
                word: raw.word,
                start: raw.start,
                end: raw.end,
                clause,
                sentence,
            });
        }
        let clauses = ranges(&toks, |t| t.clause);
        let sentences = ranges(&toks, |t| t.sentence);
        Text {
            src,
            toks,
            clauses,
            sentences,
        }
    }

    fn all(&self) -> Range<usize> {
        0..self.toks.len()
    }

    fn clause_of(&self, tok: usize) -> Range<usize> {
        self.toks
            .get(tok)
            .and_then(|t| self.clauses.get(t.clause))
            .cloned()
            .unwrap_or(0..0)
    }

    fn sentence_of(&self, tok: usize) -> Range<usize> {
        self.toks
            .get(tok)
            .and_then(|t| self.sentences.get(t.sentence))
            .cloned()
            .unwrap_or(0..0)
    }

    /// The tenant's own words for a token range, lower-cased and on one line.
    fn quote(&self, r: Range<usize>) -> String {
        let (Some(first), Some(last)) = (self.toks.get(r.start), self.toks.get(r.end.wrapping_sub(1)))
        else {
            return String::new();
        };
        let raw = self.src.get(first.start..last.end).unwrap_or_default();
        raw.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
    }

    /// Every match of `phrase` starting inside `within` (and ending inside it).
    fn find(&self, phrase: &str, within: Range<usize>) -> Vec<Range<usize>> {
        let elems = parse_phrase(phrase);
        let slice = self.toks.get(within.clone()).unwrap_or_default();
        let words: Vec<&str> = slice.iter().map(|t| t.word.as_str()).collect();
        (0..words.len())
            .filter_map(|s| match_at(&elems, &words, s).map(|e| within.start + s..within.start + e))
            .collect()
    }

    fn has(&self, phrase: &str, within: Range<usize>) -> bool {
        !self.find(phrase, within).is_empty()
    }

    /// The negation that voids a match starting at `start`, if any: a negator earlier in the
    /// same clause with only filler words (or "X or") in between.
    fn negation_before(&self, start: usize, resolvable: bool) -> Option<usize> {
        let clause = self.toks.get(start)?.clause;
        let mut i = start;
        let mut steps = 0;
        let mut listed = 0;
        while i > 0 && steps < 8 {
            i -= 1;
            let t = self.toks.get(i)?;
            if t.clause != clause {
                return None;
            }
            let w = t.word.as_str();
            if NEGATORS.contains(&w) {
                return Some(i);
            }
            if resolvable && steps == 0 && STOPPERS.contains(&w) {
                return Some(i);
            }
            if LIST_JOINERS.contains(&w) {
                // "no sparks or smoke": the negation reaches past one or two listed words.
                listed = 2;
            } else if !FILLERS.contains(&w) {
                if listed == 0 {
                    return None;
                }
                listed -= 1;
            }
            steps += 1;
        }
        None
    }

    /// A phrase saying the water stopped, after `end` in the same sentence or in the next one.
    fn stopped_after(&self, end: usize) -> Option<Range<usize>> {
        let sentence = self.toks.get(end.checked_sub(1)?)?.sentence;
        let until = self
            .sentences
            .get(sentence + 1)
            .or_else(|| self.sentences.get(sentence))
            .map_or(end, |r| r.end);
        STOPPED.iter().find_map(|p| {
            self.find(p, end..until)
                .into_iter()
                .find(|m| self.negation_before(m.start, false).is_none())
        })
    }

    /// The room named in the fact's clause, else in its sentence.
    fn room(&self, h: &Hit) -> Option<&'static str> {
        [self.clause_of(h.start), self.sentence_of(h.start)]
            .into_iter()
            .find_map(|r| {
                ROOMS
                    .iter()
                    .find(|(p, _)| self.has(p, r.clone()))
                    .map(|(_, name)| *name)
            })
    }
}

fn ranges(toks: &[Tok], id: impl Fn(&Tok) -> usize) -> Vec<Range<usize>> {
    let mut out: Vec<Range<usize>> = Vec::new();
    for (i, t) in toks.iter().enumerate() {
        match out.last_mut() {
            Some(r) if id(&toks[r.start]) == id(t) => r.end = i + 1,
            _ => out.push(i..i + 1),
        }
    }
    out
}

fn lex(src: &str) -> Vec<Raw> {
    let mut out = Vec::new();
    let mut word = String::new();
    let (mut start, mut end) = (0, 0);
    let mut pending = Break::None;
    for (i, c) in src.char_indices() {
        let next = i + c.len_utf8();
        // Accents typed as combining marks and the apostrophe in "don't" stay inside the word.
        if is_combining(c) || (is_apostrophe(c) && !word.is_empty()) {
            if !word.is_empty() {
                end = next;
            }
            continue;
        }
        let mut took = false;
        for l in c.to_lowercase() {
            let f = fold(l);
            if f.is_alphanumeric() {
                if word.is_empty() {
                    start = i;
                }
                word.push(f);
                took = true;
            }
        }
        if took {
            end = next;
            continue;
        }
        if !word.is_empty() {
            out.push(Raw {
                word: std::mem::take(&mut word),
                start,
                end,
                brk: pending,
            });
            pending = Break::None;
        }
        pending = pending.max(break_of(c));
    }
    if !word.is_empty() {
        out.push(Raw {
            word,
            start,
            end,
            brk: pending,
        });
    }
    out
}

fn break_of(c: char) -> Break {
    match c {
        '.' | '!' | '?' | ';' | '\n' | '\r' | '¡' | '¿' => Break::Sentence,
        ',' | ':' | '(' | ')' | '[' | ']' | '{' | '}' | '—' | '–' | '|' | '•' | '&' => {
            Break::Clause
        }
        _ => Break::None,
    }
}

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '’' | '‘' | 'ʼ' | '`' | '´')
}

fn is_combining(c: char) -> bool {
    ('\u{0300}'..='\u{036f}').contains(&c)
}

fn fold(c: char) -> char {
    match c {
        'á' | 'à' | 'â' | 'ä' | 'ã' | 'å' => 'a',
        'é' | 'è' | 'ê' | 'ë' => 'e',
        'í' | 'ì' | 'î' | 'ï' => 'i',
        'ó' | 'ò' | 'ô' | 'ö' | 'õ' => 'o',
        'ú' | 'ù' | 'û' | 'ü' => 'u',
        'ñ' => 'n',
        'ç' => 'c',
        'ý' | 'ÿ' => 'y',
        other => other,
    }
}

/// Misspellings tenants actually type, mapped to the word the rules know.
fn fix_typo(w: &str) -> &str {
    match w {
        "leek" => "leak",
        "leeks" => "leaks",
        "leeking" | "leakin" | "leaing" => "leaking",
        "leeked" => "leaked",
        "leeky" => "leaky",
        "watter" | "wather" | "watr" | "warer" | "wter" | "wate" => "water",
        "elecrtical" | "electical" | "eletrical" | "electrial" | "elecrical" | "electricial"
        | "elctrical" | "electrcal" => "electrical",
        "electic" | "eletric" | "elecric" => "electric",
        "electricty" | "elecricity" | "electrisity" => "electricity",
        "fride" | "frige" | "fridg" | "frig" | "fidge" | "frdge" => "fridge",
        "refridgerator" | "refrigirator" | "refrigarator" | "refigerator" | "refrigerater"
        | "refridgerater" | "refrigorator" => "refrigerator",
        "toliet" | "toilit" | "tiolet" | "toilett" | "toillet" | "toilette" | "tolet"
        | "toiet" | "toilete" => "toilet",
        "toliets" | "toilits" => "toilets",
        "furnance" | "furnice" | "furnas" | "furnase" | "furnence" | "furnac" | "fernace" => {
            "furnace"
        }
        "heator" | "heatr" | "hetaer" | "heeter" | "heatter" => "heater",
        "cieling" | "celing" | "cealing" | "ceilling" | "seiling" => "ceiling",
        "floding" | "flodding" | "fludding" => "flooding",
        "floded" => "flooded",
        "sewege" | "sewerage" | "sewadge" | "sewarage" => "sewage",
        "outlit" | "oulet" | "outet" | "outlett" => "outlet",
        "braker" | "breeker" | "brekaer" => "breaker",
        "facet" | "fawcet" | "faucit" | "fasset" | "faucett" => "faucet",
        "garbadge" => "garbage",
        "disposel" | "dispoal" | "dispossal" | "disposall" => "disposal",
        "cloged" | "clooged" | "cloggd" | "clodged" => "clogged",
        "thermastat" | "thermostate" | "termostat" | "thermosat" => "thermostat",
        "smel" | "smelll" | "smeel" => "smell",
        "smels" => "smells",
        "sparkes" => "sparks",
        "emergancy" | "emergeny" | "emergecy" => "emergency",
        "cockroachs" | "cockaroaches" | "cockroches" => "cockroaches",
        "roachs" => "roaches",
        "monoxcide" | "monoxid" | "monoxyde" => "monoxide",
        "calefacion" => "calefaccion",
        "inundasion" => "inundacion",
        "pluming" | "plumming" => "plumbing",
        "brocken" | "brokn" | "borken" => "broken",
        "leakage" => "leakage",
        other => other,
    }
}

/// Contractions spelled out, so that "won't lock", "will not lock" and "does not lock" all
/// carry the same `not`.
fn expand(w: &str) -> Option<&'static [&'static str]> {
    Some(match w {
        "dont" => &["do", "not"],
        "doesnt" => &["does", "not"],
        "didnt" => &["did", "not"],
        "isnt" | "aint" => &["is", "not"],
        "arent" => &["are", "not"],
        "wasnt" => &["was", "not"],
        "werent" => &["were", "not"],
        "cant" | "cannot" => &["can", "not"],
        "couldnt" => &["could", "not"],
        "wont" => &["will", "not"],
        "wouldnt" => &["would", "not"],
        "shouldnt" => &["should", "not"],
        "havent" => &["have", "not"],
        "hasnt" => &["has", "not"],
        "hadnt" => &["had", "not"],
        "alot" => &["a", "lot"],
        _ => return None,
    })
}

fn join_compounds(words: Vec<Raw>) -> Vec<Raw> {
    let compounds: Vec<(Vec<Elem>, &str)> = COMPOUNDS
        .iter()
        .map(|(p, to)| (parse_phrase(p), *to))
        .collect();
    let folded: Vec<&str> = words.iter().map(|r| r.word.as_str()).collect();
    let mut out: Vec<Raw> = Vec::new();
    let mut i = 0;
    while let Some(raw) = words.get(i) {
        let joined = compounds.iter().find_map(|(elems, to)| {
            let end = match_at(elems, &folded, i)?;
            // A compound never spans punctuation: "smoke. Alarm" is two things.
            let unbroken = words
                .get(i + 1..end)
                .is_some_and(|rest| rest.iter().all(|r| r.brk == Break::None));
            (unbroken && end > i).then_some((end, *to))
        });
        match joined {
            Some((end, to)) => {
                let last_end = words.get(end - 1).map_or(raw.end, |r| r.end);
                out.push(Raw {
                    word: to.to_string(),
                    start: raw.start,
                    end: last_end,
                    brk: raw.brk,
                });
                i = end;
            }
            None => {
                out.push(raw.clone());
                i += 1;
            }
        }
    }
    out
}

/// One element of a parsed phrase.
#[derive(Debug)]
enum Elem<'p> {
    /// Skip up to this many words.
    Gap(usize),
    /// One of several word sequences, possibly optional.
    Words {
        optional: bool,
        alternatives: Vec<Vec<&'p str>>,
    },
}

fn parse_phrase(phrase: &str) -> Vec<Elem<'_>> {
    phrase
        .split_whitespace()
        .map(|part| {
            if let Some(n) = part.strip_prefix('~') {
                Elem::Gap(n.parse().unwrap_or(3))
            } else {
                let (optional, part) = match part.strip_prefix('?') {
                    Some(rest) => (true, rest),
                    None => (false, part),
                };
                Elem::Words {
                    optional,
                    alternatives: part.split('|').map(|a| a.split('+').collect()).collect(),
                }
            }
        })
        .collect()
}

fn word_matches(pattern: &str, word: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => word.starts_with(prefix),
        None => word == pattern,
    }
}

/// Where a match of `elems` starting at `pos` ends, trying shorter gaps and earlier
/// alternatives first.
fn match_at(elems: &[Elem<'_>], words: &[&str], pos: usize) -> Option<usize> {
    let Some((first, rest)) = elems.split_first() else {
        return Some(pos);
    };
    match first {
        Elem::Gap(n) => {
            for skip in 0..=*n {
                let at = pos + skip;
                if at > words.len() {
                    break;
                }
                // A gap never swallows a negation: "heater is not broken" is no broken heater.
                if skip > 0 && words.get(at - 1).is_some_and(|w| NEGATORS.contains(w)) {
                    break;
                }
                if let Some(end) = match_at(rest, words, at) {
                    return Some(end);
                }
            }
            None
        }
        Elem::Words {
            optional,
            alternatives,
        } => {
            for alt in alternatives {
                let fits = words.get(pos..pos + alt.len()).is_some_and(|ws| {
                    alt.iter().zip(ws).all(|(p, w)| word_matches(p, w))
                });
                if fits && let Some(end) = match_at(rest, words, pos + alt.len()) {
                    return Some(end);
                }
            }
            if *optional {
                match_at(rest, words, pos)
            } else {
                None
            }
        }
    }
}

#[cfg(test)]
mod explore {
    use super::*;
    #[test]
    fn explore_print() {
        let cases = [
            "The heat is not working and it's freezing",
            "I don't smell gas but the stove burner won't light",
            "There isn't any gas smell, the furnace pilot keeps going out",
            "no heat or hot water",
            "No power sparks coming from outlet",
            "no hot water sparks from the heater",
            "Water heater is leaking",
            "water heater burst and water is pouring out",
            "It is not leaking anymore",
            "Pipe burst in the basement. It has stopped now.",
            "Pipe burst in the basement. It hasn't stopped.",
            "Toilet overflowed with poop everywhere",
            "the toilet is overflowing and won't stop",
            "kitchen sink is clogged",
            "toilet clogged, we have another bathroom",
            "the only toilet is clogged",
            "no power in the bedroom",
            "breaker keeps tripping",
            "outlet is hot to the touch",
            "The dryer is smoking",
            "my neighbor is smoking cigarettes and it comes into my unit",
            "burning smell from the electrical panel",
            "Roof leaking when it rains",
            "ceiling dripping slowly into a pot",
            "ceiling is leaking a lot in the bedroom",
            "small leak under the bathroom sink",
            "Door handle on the bedroom closet is broken",
            "the window is cracked",
            "broken window in the living room",
            "My key doesn't work in the front door",
            "I lost my keys",
            "Cannot get in touch with the office",
            "fuga de gas",
            "Hay humo saliendo del contacto",
            "hay fuego en la cocina",
            "la alarma de monóxido está sonando",
            "no hay calefacción y hace mucho frío",
            "se rompió la tubería y sale mucha agua",
            "se tapó el inodoro",
            "la llave del lavabo gotea",
            "no hay luz en la recámara",
            "el refri no enfría",
            "el aire acondicionado no funciona",
            "mold in the bathroom",
            "sewer smell in the bathroom",
            "smoke alarm keeps going off for no reason, no smoke or fire",
            "dishwasher not draining",
            "the lights keep flickering",
            "not sure if it's a gas smell or something else",
            "I don't think there is a gas leak but something smells weird",
            "it's pouring rain and the roof leaks",
            "bathroom door won't lock",
        ];
        for c in cases {
            let t = triage(&TriageInput::new(c));
            println!("{c:?}\n  -> {:?} {:?} {:?}\n  diag: {}\n  drivers: {:?}\n  tips: {:?}\n", t.trade, t.priority, t.emergency, t.diagnosis, t.drivers, t.tips.iter().map(|s| &s[..30.min(s.len())]).collect::<Vec<_>>());
        }
    }
}
