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
//!    `wont`) except a final `'s`, read as `is` (`heat's out`), common typos and dropped g's fixed
//!    (`leek`, `watter`, `toliet`, `furnance`, `sparkin`…), contractions expanded (`wont` →
//!    `will not`) so that one `not` serves every phrasing, a few emoji read as the word they
//!    stand for (🚽 toilet, 🔥 fire), and compound nouns joined (`water heater` → `waterheater`)
//!    so that a water heater is never read as heating.
//! 2. The words are split into sentences (`.`, `!`, `?`, `;`, new lines) and clauses (commas and
//!    conjunctions such as `and`, `but`, `y`, `pero`). Phrases match whole words inside one clause,
//!    so "gas" never matches "gasket", and a run-on text like "the toilet runs and the outlet
//!    sparks" yields two separate facts; a clause goes on after "and won't…" or "but only…",
//!    whose subject is the same ("the mini split blinks and won't cool").
//! 3. Each rule in `RULES` turns a phrase into a fact (an emergency kind, or an urgent or routine
//!    problem). A match is void when a negation (`no`, `not`, `never`, `sin`…) precedes it in the
//!    same clause with only filler words in between ("no gas smell", "I don't see any sparks",
//!    "no huele a gas"). A water match followed by a phrase saying it stopped ("not leaking
//!    anymore", "I shut off the valve") is no longer active: a flood becomes urgent, a leak
//!    that stopped by itself no longer counts.
//! 4. The most dangerous emergency wins, then the first urgent fact, then the first routine one.
//!    The trade comes from the trade vocabulary, weighted towards the clause of the winning fact.

use std::ops::Range;

use serde::{Deserialize, Serialize};

use crate::types::{EmergencyKind, Language, Priority, Trade};

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
    /// Who should fix it: the category when given, else the strongest trade vocabulary, else
    /// the usual trade for the deciding fact, else `General`.
    pub trade: Trade,
    /// `Emergency` for an emergency kind; `Urgent` for urgent facts (no hot water, AC out, a
    /// contained leak, no heat outside the heating season…) or when the tenant ticked the
    /// emergency box without the text showing one; `Routine` otherwise.
    pub priority: Priority,
    /// The most dangerous emergency the description shows, if any.
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
        EmergencyKind::PersonTrapped => {
            "If the person is hurt, unwell, very young or in danger (smoke, heat, water), call \
             911 now. Keep talking to them and tell them help is on the way. In an elevator, \
             press its alarm button and stay inside; never pry the doors or climb out."
        }
    }
}

/// [`safety_instructions`] in the tenant's language. Same invariant.
pub fn safety_instructions_in(kind: EmergencyKind, lang: Language) -> &'static str {
    match lang {
        Language::En => safety_instructions(kind),
        Language::Es => match kind {
            EmergencyKind::Gas => {
                "Salga ahora y no deje entrar a nadie. No encienda ni apague luces ni aparatos, no use \
             encendedores, cerillos ni teléfonos adentro. Ya afuera y lejos del edificio, llame a \
             la línea de emergencias de la compañía de gas o al 911. No regrese hasta que le digan \
             que es seguro."
            }
            EmergencyKind::CarbonMonoxide => {
                "Saque a todos, mascotas incluidas, al aire libre ahora y llame al 911 desde afuera. \
             No regrese ni busque el origen. Diga a la operadora si alguien tiene dolor de \
             cabeza, mareo o náuseas."
            }
            EmergencyKind::Flooding => {
                "Cierre el agua ahora: gire a la derecha la llave bajo el lavabo o detrás del \
             inodoro, o cierre la llave general. Aléjese de enchufes y cables cerca del agua; \
             apague el interruptor de las zonas mojadas solo si llega sin pisar agua."
            }
            EmergencyKind::FireOrSparks => {
                "Si hay fuego o mucho humo, salga ahora y llame al 911 desde afuera. Si solo hay \
             chispas u olor a quemado y puede llegar al panel sin peligro, apague el \
             interruptor de ese circuito. No toque el enchufe y nunca use agua en un fuego \
             eléctrico."
            }
            EmergencyKind::Sewage => {
                "Deje de usar el agua ahora: no descargue el inodoro ni use duchas, lavabos, \
             lavaplatos o lavadora. Mantenga alejados a niños y mascotas, no lo toque sin \
             guantes y abra las ventanas."
            }
            EmergencyKind::NoHeat => {
                "Manténgase abrigado sin riesgos: cierre ventanas, use varias capas de ropa y \
             quédese en una sola habitación. Nunca use el horno, la estufa ni parrillas para \
             calentarse. Si alguien es mayor, muy pequeño o está enfermo, busque un lugar \
             cálido."
            }
            EmergencyKind::Lockout => {
                "Quédese en un lugar seguro y con luz. No fuerce puertas ni ventanas. Le \
             avisaremos cuando vaya alguien con una llave."
            }
            EmergencyKind::SecurityBreach => {
                "Si cree que alguien entró o sigue adentro, salga y llame al 911. Si no, \
             asegure la entrada como pueda (una silla bajo la manija) y no toque nada que la \
             policía deba ver."
            }
            EmergencyKind::PersonTrapped => {
                "Si la persona está herida, se siente mal, es muy pequeña o corre peligro (humo, \
             calor, agua), llame al 911 ahora. Háblele y dígale que la ayuda va en camino. En un \
             ascensor, presione el botón de alarma y quédese adentro; nunca fuerce las puertas."
            }
        },
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
        } else if primary.is_some_and(|h| h.fact.emergency(true).is_some()) {
            drivers.push(
                "tenant marked it as an emergency, but it is only one in the heating season"
                    .to_string(),
            );
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
    /// Sparks, arcing, a burning electrical smell: an electrician's job.
    FireOrSparks,
    /// Fire, flames or smoke with no electrical sign: the trade comes from the device named, else
    /// general repair.
    Fire,
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
    EmergencyKind::Lockout,
    EmergencyKind::SecurityBreach,
];

impl Fact {
    /// The emergency kind this fact is, when it is one today (no heat only in the cold season).
    fn emergency(self, cold: bool) -> Option<EmergencyKind> {
        let kind = match self {
            Fact::Gas => EmergencyKind::Gas,
            Fact::CarbonMonoxide => EmergencyKind::CarbonMonoxide,
            Fact::Flooding => EmergencyKind::Flooding,
            Fact::FireOrSparks | Fact::Fire => EmergencyKind::FireOrSparks,
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
            Fact::Fire
            | Fact::CoChirp
            | Fact::SmokeAlarm
            | Fact::DetectorChirp
            | Fact::DetectorFault
            | Fact::Mold => Trade::General,
        }
    }

    /// Facts about water on the loose, whose trade is where the water comes from.
    fn watery(self) -> bool {
        matches!(
            self,
            Fact::Flooding
                | Fact::StoppedFlood
                | Fact::Leak
                | Fact::ContainedLeak
                | Fact::MinorLeak
        )
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
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

impl Tip {
    const ALL: [Tip; 25] = [
        Tip::Breaker,
        Tip::BreakerOverload,
        Tip::Gfci,
        Tip::Disposal,
        Tip::Pilot,
        Tip::Thermostat,
        Tip::Filter,
        Tip::ToiletPlunger,
        Tip::DrainPlunger,
        Tip::FridgeSettings,
        Tip::FridgeDoors,
        Tip::Flapper,
        Tip::ShutOff,
        Tip::Bucket,
        Tip::DetectorBattery,
        Tip::DetectorDust,
        Tip::SpareKey,
        Tip::Pests,
        Tip::FrozenPipes,
        Tip::HotOutlet,
        Tip::Bulb,
        Tip::Appliance,
        Tip::TrapRefill,
        Tip::Ventilate,
        Tip::NeighborsWater,
    ];

    fn text_es(self) -> &'static str {
        match self {
            Tip::Breaker => {
                "Revise el panel eléctrico por si hay un interruptor disparado (uno en medio o \
                 apagado): apáguelo del todo y vuelva a encenderlo. Si se vuelve a disparar, \
                 déjelo apagado."
            }
            Tip::BreakerOverload => {
                "Desconecte calentadores, secadores de pelo y otros aparatos potentes de ese \
                 circuito antes de reiniciar el interruptor. Si se dispara sin nada conectado, \
                 déjelo apagado."
            }
            Tip::Gfci => {
                "Pulse RESET en los enchufes GFCI (los que tienen botones TEST y RESET) de la \
                 cocina, los baños, el garaje o afuera: un GFCI puede cortar varios enchufes."
            }
            Tip::Disposal => {
                "Con el triturador apagado, gire la llave hexagonal (1/4 pulg.) en el orificio de \
                 abajo en ambos sentidos para liberarlo y pulse el botón rojo de reinicio. Nunca \
                 meta la mano."
            }
            Tip::Pilot => {
                "Si no huele a gas, vea si el piloto está apagado y enciéndalo solo siguiendo la \
                 etiqueta del aparato. Si en algún momento huele a gas, pare y salga."
            }
            Tip::Thermostat => {
                "Revise el termostato: póngalo en HEAT (o COOL), unos grados más allá de la \
                 temperatura del cuarto, y cambie las pilas si la pantalla está en blanco."
            }
            Tip::Filter => {
                "Cambie el filtro de aire de la calefacción si se ve gris o tapado: un filtro \
                 bloqueado puede apagar el sistema o dejarlo soplando poco aire."
            }
            Tip::ToiletPlunger => {
                "Use un destapacaños de campana con movimientos lentos y firmes, y no vuelva a \
                 descargar hasta que baje el agua. Evite los destapadores químicos."
            }
            Tip::DrainPlunger => {
                "Pruebe un destapacaños sobre el desagüe (tape el rebosadero con un trapo \
                 mojado) o saque el pelo del tapón. Evite los destapadores químicos."
            }
            Tip::FridgeSettings => {
                "Ponga el control del refrigerador en el medio (unos 37 F / 3 C), deje libres \
                 las rejillas de adentro y revise que las bobinas de abajo o de atrás no estén \
                 llenas de polvo."
            }
            Tip::FridgeDoors => {
                "Abra las puertas lo menos posible: un refrigerador cerrado se mantiene frío \
                 unas 4 horas y un congelador lleno, alrededor de un día."
            }
            Tip::Flapper => {
                "Levante la tapa del tanque y revise la válvula de descarga: si la cadena está \
                 enredada o muy tensa, suéltela para que selle. Mover la manija suele detener el \
                 agua."
            }
            Tip::ShutOff => {
                "Cierre la llave de paso bajo el lavabo o detrás del inodoro (girándola a la \
                 derecha) para cortar el agua hasta la reparación."
            }
            Tip::Bucket => {
                "Ponga una cubeta o toallas bajo la gotera y aleje los aparatos electrónicos y \
                 los muebles."
            }
            Tip::DetectorBattery => {
                "Un pitido corto cada minuto más o menos indica pila baja: cámbiela y pulse \
                 TEST. Una alarma fuerte y continua es real: salga y llame al 911."
            }
            Tip::DetectorDust => {
                "El vapor y el humo de cocinar pueden activar la alarma de humo: aspire con \
                 cuidado sus rejillas y pulse TEST, pero nunca la quite ni la desconecte."
            }
            Tip::SpareKey => {
                "Mientras espera, pregunte si alguien de su hogar o un vecino de confianza tiene \
                 una llave de repuesto."
            }
            Tip::Pests => {
                "Guarde la comida en recipientes cerrados, saque la basura a diario y limpie \
                 migas y agua estancada. No rocíe insecticidas antes de que venga el \
                 fumigador."
            }
            Tip::FrozenPipes => {
                "Abra un poco la llave del agua y las puertas de los gabinetes bajo los lavabos \
                 para que el aire tibio llegue a las tuberías. Nunca descongele una tubería con \
                 fuego."
            }
            Tip::HotOutlet => {
                "Deje de usar ese enchufe o interruptor: desconecte lo que tenga enchufado y \
                 apague su interruptor en el panel si sigue caliente."
            }
            Tip::Bulb => {
                "Pruebe primero un foco nuevo de la potencia correcta; luego revise el apagador \
                 y el interruptor del panel."
            }
            Tip::Appliance => {
                "Revise que el aparato esté enchufado y que su interruptor o enchufe GFCI no se \
                 haya disparado."
            }
            Tip::TrapRefill => {
                "Deje correr el agua un minuto en lavabos, tinas y desagües del piso que casi no \
                 se usan: un sifón seco deja entrar el olor del drenaje."
            }
            Tip::Ventilate => {
                "Encienda el extractor del baño o abra una ventana durante y después de bañarse, \
                 y limpie las manchas pequeñas con agua y jabón. Nunca mezcle cloro con otros \
                 limpiadores."
            }
            Tip::NeighborsWater => {
                "Pregunte a un vecino si también se quedó sin agua: si es así, probablemente es \
                 un corte del servicio de agua."
            }
        }
    }
}

/// A tip as the tenant reads it: triage's own tips in `lang`; a tip the portfolio wrote
/// itself is returned as written (the team wrote it in the words they chose).
pub fn tip_in(tip: &str, lang: Language) -> &str {
    match lang {
        Language::En => tip,
        Language::Es => Tip::ALL
            .iter()
            .find(|t| t.text() == tip)
            .map_or(tip, |t| t.text_es()),
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
    /// The whole description, for facts told across sentences.
    Text,
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

const fn clause(
    fact: Fact,
    phrases: &'static [&'static str],
    unless: &'static [&'static str],
) -> Rule {
    Rule {
        fact,
        scope: Scope::Clause,
        phrases,
        unless,
    }
}

const fn whole(
    fact: Fact,
    phrases: &'static [&'static str],
    unless: &'static [&'static str],
) -> Rule {
    Rule {
        fact,
        scope: Scope::Text,
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
const MINOR: &str = "slow|slowly|slight*|little|small|minor|tiny|bit|occasional*|sometimes|poco|poquito|lento|pequen*";
/// A small leak that wets or damages something is urgent after all.
const DAMAGE: &str =
    "wet|soaked|soaking|warped|swollen|damage*|rotting|rotten|mojad*|empapad*|hinchad*|podrid*";
/// Parts a plumber fixes, even behind an appliance.
const PLUMBING_PARTS: &str =
    "pipe*|valve*|supply|line|drain+pipe|tubo*|tuberia*|cano|llave+de+paso";
const HEAT_WORDS: &str = "heat|heating|heater|heaters|furnace*|boiler|radiator*|calefaccion|calefactor|calentador|caldera";
const BATTERY: &str = "battery|batteries|bateria*|pila|pilas";

static RULES: &[Rule] = &[
    // ---- Gas -------------------------------------------------------------------------------
    clause(
        Fact::Gas,
        &[
            "gas|propane|propano ~4 smell*|odor*|odour*|olor*|huele*|hiss*",
            "smell*|odor*|odour*|olor*|huele*|huelo|hiss*|tufo ~3 gas|propane|propano",
            "rotten+egg*|huevo+podrido|huevos+podridos",
            "gas+line|gas+pipe|gas+meter|linea+de+gas|tuberia+de+gas ~5 broke*|damaged|hit|cut|leak*|hiss*|rota|roto|danad*",
            "hit|cut|broke|damaged|struck|nicked|punctured|rompio|rompieron ~3 gas+line|gas+pipe|gas+meter|linea+de+gas|tuberia+de+gas",
            "se+esta+saliendo|se+sale|se+escapa|se+esta+escapando|saliendo|escapando ~2 gas|propano",
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
            "coalarm ~5 beep*|sound*|alarm*|ring*|screech*|blar*|activat*|triggered|flash*|alert*|suena|sonando|sono|pita|pitando|chilla*|went+off|going+off|goes+off|gone+off|go+off|keeps+going",
            "beep*|sounding|ringing|suena|sonando|sono|sonaba|pitando ~3 coalarm",
            "coalarm ~3 reads+high|reading+high|high+reading*|ppm|levels|level|not+stop*",
            "carbon+monoxide|monoxide|monoxido|co+poisoning|co+leak|co+levels|co+level",
        ],
        &[],
    ),
    // "Monoxide alarm!!! We are outside now": leaving the home over a CO alarm says it sounded.
    whole(
        Fact::CarbonMonoxide,
        &[
            "coalarm ~12 outside|evacuat*|got+out|left+the+house|left+the+apartment|salimos|afuera",
            "outside|evacuat*|got+out|salimos|afuera ~12 coalarm",
        ],
        &[],
    ),
    clause(
        Fact::CoChirp,
        &["coalarm ~3 chirp*", "chirp* ~3 coalarm"],
        &[],
    ),
    // "The CO detector is beeping and says low battery": a chirp, whatever beeps.
    sentence(
        Fact::CoChirp,
        &["coalarm ~10 low+battery|battery+low|battery+is+low|bateria+baja|pila+baja"],
        &[],
    ),
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
            "smokealarm|coalarm ~5 not+work*|dead|broken|missing|fell|no+funciona|no+sirve",
        ],
        &[],
    ),
    clause(
        Fact::DetectorChirp,
        &["chirp*"],
        &["coalarm|bird*|cricket*|pajaro*|grillo*"],
    ),
    // ---- Fire and sparks --------------------------------------------------------------------
    clause(
        Fact::FireOrSparks,
        &["spark|sparks|sparking|sparked|sparky|arcing|arced|chispa*|chispea*|chisporrote*"],
        &[],
    ),
    clause(
        Fact::Fire,
        &["smoke|smoking|smoky|smokey|humo|humea*"],
        &[
            "cigar*|cigarette*|weed|marijuana|vape*|vaping|smoker*|tobacco|fuma*|fumar|cigarro*|cigarrillo*|hookah|incense|no+smoking|bbq|barbecue|grill|parrilla|asador",
        ],
    ),
    clause(
        Fact::Fire,
        &[
            "fire|fires|flames|fuego|incendio*|llamas|ablaze|blaze",
            "on+fire|caught+fire|catch+fire|se+incendi*|prendio+fuego",
        ],
        &["ceasefire|pit"],
    ),
    clause(
        Fact::Fire,
        &["flame"],
        &[
            "pilot|piloto|burner*|stove|estufa|blue|yellow|orange|quemador*|range|oven|cooktop|furnace*|waterheater",
        ],
    ),
    clause(
        Fact::FireOrSparks,
        &[
            "burning|burnt|burned|quemado|melting|melted|plastic|electrical|electric|wire|wires ~2 smell*|odor*|odour*|olor*",
            "smell*|odor*|odour*|olor*|huele*|huelo ~3 burning|burnt|burned|quemado|quemada|melting|melted|plastic|electrical|wires|wire",
            "se+quema*|quemandose",
        ],
        &[
            "toast|food|popcorn|cooking|cooked|pan|dinner|comida|cocinando|tostad*|bulb|foco|bombilla|rice|arroz|dust|polvo",
        ],
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
    clause(
        Fact::FireOrSparks,
        &[
            "light|lights|fixture*|lamp|lampara*|socket*|bulb|foco ~5 melt*|scorch*|charred|derretid*|chamuscad*",
            "melt*|scorch*|charred|derretid*|chamuscad* ~5 light|lights|fixture*|lamp|lampara*|socket*|bulb|foco",
        ],
        &[],
    ),
    sentence(
        Fact::FireOrSparks,
        &[
            "outlet*|plug|plugs|switch|switches|panel|breaker*|wiring|wires|enchufe*|contacto* ~6 smells+hot|smell+hot|hot+smell|smells+like+hot|huele+a+caliente",
        ],
        &[],
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
            "back+up|backs+up|backing+up|backed+up|coming+up|came+up|comes+up ~4 black+water|brown+water|sewage|sewer|poop|feces",
            "floor+drain|basement+drain|floor+drains ~3 back*|overflow*|coming+up|came+up|bubbling",
            "desbord*|overflow*|rebos* ~3 toilet*|inodoro*|excusado*|escusado* ~4 sewage|poop|feces|waste|excrement|poo|shit|caca|popo|excremento*",
            "toilet+water|dirty+water|black+water|brown+water|agua+sucia|agua+negra ~3 coming+up|comes+up|came+up|backing+up|tub|bathtub|shower|tina|regadera|coladera",
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
        &["flood|floods|flooded|flooding|floodin|inund*|anegad*"],
        &[],
    ),
    // Water all over the inside of a fridge is a fridge problem, not a flood.
    clause(
        Fact::Flooding,
        &[
            "water|agua ~3 everywhere|all+over|por+todas+partes|por+todos+lados|por+todo+el+piso|por+toda+la+casa",
        ],
        &["fridge*|refrigerator*|freezer*|refri|refrigerador*|nevera*|congelador*"],
    ),
    clause(
        Fact::Flooding,
        &[
            "water|agua ~3 pouring|pours|poured|gushing|gushes|gushed|spraying|sprays|sprayed|spurting|spurts|shooting|streaming|rushing|blasting|blasts",
            "burst|bursting|busted|broken|broke|exploded|ruptured|split ~2 pipe*|water+line|supply+line|hose|tubo*|tuberia*|cano|canos|caneria*|manguera*",
            "pipe*|water+line|supply+line|hose|hoses|tubo*|tuberia*|cano|canos|caneria*|manguera* ~6 burst*|busted|broke|broken|exploded|ruptured|split|revent*|explot*|rota|roto|rotos|rotas|se+rompio",
            "hose|hoses|supply+line|water+line|manguera* ~3 popped+off|came+off|came+loose|blew+off|disconnected|se+solto|se+zafo",
            "waterheater ~3 burst*|exploded|ruptured|revent*|explot*",
            "se+rompio|revento|exploto ~3 tubo*|tuberia*|cano|canos|caneria*|pipa*|manguera*",
            "ceiling|techo ~3 caving|collaps*|falling+in|fell+in|came+down|coming+down|se+cayo|se+esta+cayendo|se+derrumbo",
            "ceiling|techo|roof ~4 leak*|pouring|dripping|coming|gotea* ~3 a+lot|badly|bad|heavily|fast|like+crazy|everywhere|nonstop|non+stop|mucho|muchisimo",
            "water|agua ~3 coming|pouring|running|streaming|entering|cayendo|cae|sale|saliendo|entra|entrando|chorrea* ~4 ceiling|light|fixture|lamp|techo|lampara",
            // Water reaching a light or an outlet is dangerous however little of it there is.
            "water|agua ~3 dripping|drips|leaking|leaks|coming|running|goteando|gotea|sale|saliendo|cae|cayendo ~5 light|lights|fixture*|lamp|outlet*|switch|switches|panel|socket*|lampara*|enchufe*|contacto*|apagador*",
            // "It's raining in my living room": water coming through the ceiling indoors.
            "raining|rains|llueve|lloviendo ~2 in|inside|into|dentro|adentro ~3 room|bedroom|kitchen|bathroom|apartment|unit|house|hallway|ceiling|living|cuarto|cocina|bano|sala|casa|departamento|apartamento",
        ],
        &["pilot|piloto"],
    ),
    clause(
        Fact::Flooding,
        &[
            "leak*|gotea*|dripping ~4 a+lot|a+ton|tons|badly|heavily|like+crazy|everywhere|nonstop|non+stop|really+bad|so+much|mucho|muchisimo|sin+parar",
            "major|huge|massive|severe|serious|enorme|grave ~2 leak*|fuga|gotera",
            "fuga|gotera ~2 grande|enorme|fuerte|grave",
            "water|leak*|leaking|agua|fuga ~3 not+stop*|not+shut+off|not+turn+off|no+para|no+deja+de+salir|no+se+detiene",
            "not+stop|not+shut+off|unable+to+stop|no+puedo+parar|no+puedo+cerrar ~3 water|leak*|leaking|agua|fuga",
        ],
        &[
            FAUCET,
            "toilet*|shower*|regadera|inodoro*|excusado*|gas|propane",
        ],
    ),
    // "Water is leaking from the unit above into my kitchen, and it's not stopping."
    sentence(
        Fact::Flooding,
        &[
            "water|agua|underwater|flooded ~8 keeps+rising|still+rising|is+rising|sigue+subiendo",
            "water|agua|leak*|leaking|fuga|wet|soaked|mojad*|empapad* ~10 not+stop*|not+stopping|keeps+coming|keeps+pouring|keeps+getting+worse|no+para|no+se+detiene|sigue+saliendo",
        ],
        &[
            FAUCET,
            "toilet*|shower*|regadera|inodoro*|excusado*|gas|propane|drip|drips|dripping|gotea|goteando|slow*|little|bit|poco",
            // "The water bill keeps rising" is no flood.
            "bill|bills|factura|recibo|rent|renta|price*|cost*|usage|consumo|pressure|presion",
        ],
    ),
    clause(
        Fact::Flooding,
        &[
            "pouring|gushing|spraying|spurting|streaming|rushing ~3 out|from|down|through|everywhere|in|into",
        ],
        &["rain|raining|lluvia|llueve|sweat*"],
    ),
    clause(
        Fact::Flooding,
        &[
            "standing+water|inches+of+water|ankle+deep|knee+deep|agua+estancada|under+water|underwater|bajo+el+agua",
            "water|agua ~2 rising|sube|subiendo",
            "mucha+agua|chorro*|a+chorros",
        ],
        &[
            "tub|bathtub|tina|shower*|sink*|drain*|lavabo*|fregadero*|regadera|coladera*|usa|gasta|factura|recibo|bill|pressure|presion|rain|lluvia|dishwasher*|washer|lavadora*",
        ],
    ),
    sentence(
        Fact::Flooding,
        &["overflow*|desborda* ~4 not+stop*|everywhere|no+para|por+todos+lados"],
        &["sewage|poop|feces|waste|excrement|poo|shit|caca|popo|excremento*|aguas+negras"],
    ),
    // ---- No heat ----------------------------------------------------------------------------
    // Three rules, because each needs its own guard against appliances: "the dryer has no heat"
    // is not a heating failure, but "no heat, so we use the oven" is one.
    clause(
        Fact::NoHeat,
        &[
            "heat|heating|heater|heaters|furnace*|boiler|radiator*|calefaccion|calentador|caldera|calefactor|heat+pump ~3 not+work*|not+turn*|not+com*|not+start*|not+heat*|not+warm*|not+get*+hot|not+get*+warm|not+blow*+hot|not+blow*+warm|not+on|not+function*|not+kick*|stopped|quit|died|dead|broken|broke|busted|blowing+cold|blows+cold|cold+air|cold|keeps+shutting+off|keeps+turning+off|keeps+shutting+down|shuts+off|shuts+down|no+funciona|no+sirve|no+prende|no+enciende|no+calienta|no+jala|no+arranca|descompuest*|se+apago|apagad*|frio|fria",
            "heat|heating|heater|heaters|furnace*|boiler|calefaccion|calentador|caldera ?is|went|has+gone|has+been|was|keeps+going|is+all|goes ?completely|totally out",
            "heat|heating|heater|heaters|furnace*|boiler ?is|was|has|had been|gone ?completely|totally out",
        ],
        &[
            "dryer*|oven*|stove*|range|microwave*|dishwasher*|secadora*|horno*|lavavajillas|iron|plancha|blanket|fridge*|refrigerator*|freezer*|shower*|ducha|regadera|pool|towel ~1 heat|heating|heater|heaters|calefaccion|calentador",
        ],
    ),
    clause(
        Fact::NoHeat,
        &[
            "no+funciona|no+sirve|no+prende|no+enciende|no+calienta|no+jala|no+arranca ~2 la|el|mi ?calefaccion|calefactor|caldera|heat|heater",
            "no+heat|no+heating|no+heater|without+heat|without+heating|sin+calefaccion|sin+calor|sin+calentador|sin+calefactor|no+hay+calefaccion|no+hay+calor|no+tengo+calefaccion|no+tenemos+calefaccion|no+hay+calentador",
            "not ~2 have|get|getting|got ~2 heat|heating",
            "no+warm+air|no+hot+air|no+heat+coming|not+heating",
            "barely|hardly heating|heats|warming|warms|heat",
            // Short cycling: "it turns off before the house gets warm".
            "turns|shuts|cuts|goes|switches ?right off before ~4 warm*|heat*",
        ],
        &[
            "dryer*|oven*|stove*|range|microwave*|dishwasher*|secadora*|horno*|lavavajillas|waterheater|iron|plancha|blanket|fridge*|refrigerator*|freezer*|shower*|ducha|regadera|spaceheater|pool|towel ~3 no+heat|no+heating|not+heat*|without+heat|sin+calor|no+calienta",
            "no+heat|no+heating|without+heat|sin+calor ~3 from|in|on|de|del|en ~2 dryer*|oven*|stove*|range|microwave*|dishwasher*|secadora*|horno*|lavavajillas|waterheater|iron|plancha|blanket|fridge*|refrigerator*|freezer*|shower*|ducha|regadera|spaceheater|pool|towel",
        ],
    ),
    clause(
        Fact::NoHeat,
        &[
            "30|31|32|33|34|35|36|37|38|39|40|41|42|43|44|45|46|47|48|49|50|51|52|53|54|55 degrees|degree|grados|f ~3 inside|in+here|apartment|unit|house|home|casa|departamento|apartamento|adentro",
            "30|31|32|33|34|35|36|37|38|39|40|41|42|43|44|45|46|47|48|49|50|51|52|53|54|55 inside|in+here|adentro",
            "freezing|helado|congelando ~3 inside|apartment|unit|house|home|in+here|casa|departamento|apartamento|adentro|depa",
            "apartment|unit|house|home|place|casa|departamento|apartamento|depa ~3 freezing|helado|helada|congelando|so+cold|very+cold|really+cold|too+cold|extremely+cold|super+cold|ice+cold|muy+frio|muy+fria|still+cold|not+warm+up|never+warms+up",
            "apartment|unit|house|home|place|bedroom|room|inside|casa|departamento|apartamento|depa ~4 30|31|32|33|34|35|36|37|38|39|40|41|42|43|44|45|46|47|48|49|50|51|52|53|54|55 ?degrees|degree|grados|f",
            "frio|helado|cold|freezing ~3 adentro|dentro|inside|en+la+casa|en+el+departamento|in+the+house|in+the+apartment",
            // People freezing indoors: "we're freezing", "estamos congelándonos".
            "we|were|im|i|kids|baby|everyone|estamos|nos ?are|am|is|all ?so|literally|estamos freezing|congelando*|muriendo+de+frio",
        ],
        &[
            "fridge*|refrigerator*|freezer*|refri|nevera*|congelador*|food|comida|pipe*|tuberia*|ac|water|agua|waterheater|shower*|pool",
        ],
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
            "shut|closed|slammed|locked|cerro ~1 behind ~1 me|us|him|her|them",
            "im|i|we|were|me|us|kids|son|daughter|she|he|they|family ?am|are|is|was|got|been|all stuck|locked|stranded outside|out+of+my+apartment|out+of+the+apartment|out+of+my+unit|out+of+the+house|out+of+my+house|afuera",
        ],
        &[
            "touch|contact|account|app|portal|website|site|online|email|login|password|closet|cabinet*|mailbox|buzon|storage|tub|bathtub|shower|car|coche|carro|pool|gym|laundry|attic|crawl*|bed|window*|ventana*|bathroom*|bedroom*|garage|fridge|oven|dishwasher|washer|dryer|jar|phone|wifi|internet|waterheater",
        ],
    ),
    // "Lost my keys and I'm stuck outside."
    sentence(
        Fact::Lockout,
        &[
            "lock|locks|keypad|fob|keycard|code|smart+lock ~4 died|dead|not+work*|not+open*|not+unlock* ~8 outside|not+get+in|not+get+into|no+puedo+entrar|afuera",
            "lost|misplaced|forgot|left|perdi|olvide ~3 key|keys|fob|keycard|llave* ~8 stuck+outside|stuck+out|sitting+outside|waiting+outside|standing+outside|not+get+in|no+puedo+entrar|afuera",
        ],
        &[
            "touch|contact|account|app|portal|website|site|online|email|login|password|closet|cabinet*|mailbox|buzon|storage|car|coche|carro|pool|gym|laundry|garage",
        ],
    ),
    // ---- Security breach --------------------------------------------------------------------
    clause(
        Fact::SecurityBreach,
        &[
            "door|doors|deadbolt*|latch|puerta ~3 not+lock*|not+latch*|not+catch*|not+close|not+closing|not+shut|not+stay+closed|not+stay+shut|not+stay+locked|not+secure*|no+cierra|no+se+cierra|no+tiene+seguro|no+traba|no+asegura",
            "not+lock|not+close|not+secure|no+puedo+cerrar|no+puedo+asegurar ~3 door|doors|front|apartment|unit|house|puerta|casa|departamento|depa",
            "door|doors|deadbolt*|puerta ~3 not+be+lock*|not+be+secured|not+be+closed",
            "lock|locks|deadbolt*|doorknob|door+handle|cerradura*|chapa*|cerrojo*|strike+plate ~5 broken|broke|busted|damaged|jammed|missing|stuck|not+work*|not+function*|fell+off|came+off|fell+apart|came+apart|falling+apart|rota|roto|descompuest*|no+sirve|no+funciona|danad*|forzad*",
            "broken|broke|busted|damaged|jammed ~2 lock|locks|deadbolt*|doorknob|cerradura*|chapa*",
        ],
        &[
            "bathroom*|bedroom*|closet|cabinet*|cupboard|shower|oven|dishwasher|fridge|refrigerator|freezer|washer|dryer|microwave|interior|screen|car|bano|recamara|cuarto|armario|horno|refri|gabinete*|alacena|regadera|pantry|laundry|mailbox|buzon|storm|shed|toilet|window*|ventana*",
        ],
    ),
    clause(
        Fact::SecurityBreach,
        &[
            "broken|broke|busted|shattered|smashed|rota|roto|quebrad*|estrellad* ~2 window*|glass|ventana*|vidrio*|cristal*|sliding+door|patio+door",
            "window*|glass|ventana*|vidrio*|cristal*|sliding+door|patio+door ~6 broken|broke|busted|shattered|smashed|rota|roto|rotos|rotas|quebrad*|estrellad*|romp*|se+rompio|not+lock*|not+latch*|not+close|not+shut|no+cierra|no+se+cierra",
        ],
        &[
            "screen*|blind*|ac|crank|mirror|oven|microwave|shower|table|cabinet*|mosquitero|persiana*|espejo|horno|tint|track|sill|seal|fogg*|condensation|draft*|frame|caulk*|shade*|curtain*|cortina*|picture|tv|phone|glasses|cup|jar|bottle|lamp",
            "car|cars|truck|vehicle|van|coche|carro|auto",
        ],
    ),
    // "A rock through my window, it's shattered": the glass and its state a comma apart.
    sentence(
        Fact::SecurityBreach,
        &[
            "rock|rocks|brick|stone|ball|something|piedra|ladrillo ~3 through|thru|por ~3 window*|glass|ventana*|vidrio*|door",
            "window*|ventana*|vidrio* ~8 shattered|smashed|busted|rota|roto|quebrad*|estrellad*",
        ],
        &[
            "screen*|blind*|ac|crank|mirror|oven|microwave|shower|table|cabinet*|mosquitero|persiana*|espejo|horno|tint|track|sill|seal|fogg*|condensation|draft*|frame|caulk*|shade*|curtain*|cortina*|picture|tv|phone|glasses|cup|jar|bottle|lamp|car|cars|truck|coche|carro",
        ],
    ),
    clause(
        Fact::SecurityBreach,
        &[
            "break+in|break+ins|breakin|broke+in|broken+into|broke+into|burglar*|burglary|robbed|robbery|intruder*|trespass*",
            "someone|somebody|people|alguien ~2 broke+in|broke+into|forced|tried+to+get+in|tried+to+break",
            "someone|somebody|someones|alguien ~3 trying|tried|tries|jiggling|messing+with|forcing ~2 door|doors|lock|locks|handle|window*|to+get+in|to+open",
            "forced ~2 open|entry|door|in|lock",
            "kicked ~2 in|open|door",
            "door|puerta ~3 kicked+in|forced|pried|pateada|forzada|reventada",
            "robo|robaron|ladron*|allanamiento|se+metieron|entraron+a+robar",
            "forzaron|rompieron|patearon|forzo|rompio|pateo ~3 puerta|cerradura|chapa|ventana",
        ],
        // A car or a mailbox broken into leaves the home secure.
        &["car|cars|truck|vehicle|van|coche|carro|auto|mailbox|buzon|locker|storage"],
    ),
    // ---- Urgent -----------------------------------------------------------------------------
    clause(
        Fact::NoHotWater,
        &[
            "no+hot+water|no+warm+water|sin+agua+caliente|no+hay+agua+caliente|no+tengo+agua+caliente|no+tenemos+agua+caliente|no+sale+agua+caliente|only+cold+water|solo+sale+agua+fria|solo+agua+fria|solo+hay+agua+fria",
            "not ~3 hot+water|warm+water",
            "hot+water|agua+caliente ~3 not+work*|gone|not+com*|stopped|cold|runs+cold|broken|no+sale|no+funciona|no+hay|se+acabo|not+get*+hot|fria",
            "hot+water ?is|went|has+gone|has+been|was|goes ?completely|totally out",
            "hot+water does+not|do+not|will+not",
            "water|agua ~3 not+get*+hot|not+get*+warm|never+gets+hot|never+gets+warm|not+heat*|no+calienta|no+se+calienta|sale+fria|stays+cold|always+cold|ice+cold|lukewarm|tibia|barely+warm|not+hot+enough",
            "waterheater ~3 not+work*|broken|broke|died|dead|stopped|not+turn*|not+heat*|not+light*|not+function*|pilot|no+funciona|no+sirve|no+prende|no+enciende|no+calienta|descompuest*|apagad*|se+apago",
            "waterheater ?is|went|has+gone ?completely out",
        ],
        &[],
    ),
    clause(
        Fact::NoCooling,
        &[
            "no+ac|without+ac|sin+ac|no+hay+ac|no+air|without+air|sin+aire|no+hay+aire|no+cooling|sin+clima",
            "ac|air|cooling|cooler|aire|enfriador|evaporative+cooler|swamp+cooler ~3 not+work*|not+cool*|not+cold|not+turn*|not+com*|not+blow*|not+function*|not+start*|not+kick*|stopped|quit|died|dead|broken|broke|busted|blowing+warm|blowing+hot|blows+warm|blows+hot|warm+air|hot+air|room+temperature|frozen|freezing+up|iced+up|ice|no+enfria|no+funciona|no+sirve|no+prende|no+enciende|no+sale+frio|descompuest*|echa+aire+caliente|sale+aire+caliente|aire+caliente|warm|hot",
            "ac|cooling ?is|went|has+gone|was ?completely out",
            "ac|air|cooling|cooler|aire ~7 not+cool*|not+work*|not+turn*|not+blow*|not+kick*|no+enfria",
        ],
        &[
            "fridge*|refrigerator*|freezer*|refri|refrigerador*|nevera*|congelador*|fryer|freshener|purifier|bubble*|pipe*|mattress|tire*|tyre*|car|coche|carro|lock",
        ],
    ),
    clause(
        Fact::FridgeWarm,
        &[
            "fridge*|refrigerator*|freezer*|refri|refrigerador*|nevera*|congelador*|icebox ~3 not+cool*|not+cold|not+freez*|not+keep*|not+work*|not+function*|not+turn*|stopped|died|dead|broken|broke|busted|warm|hot|defrost*|thaw*|melting|room+temperature|no+enfria|no+congela|no+funciona|no+sirve|no+prende|caliente|descompuest*|se+descongel*|no+esta+frio|no+esta+fria",
            "fridge*|refrigerator*|refri|refrigerador*|nevera* ~4 41|42|43|44|45|46|47|48|49|50|51|52|53|54|55|56|57|58|59|60|61|62|63|64|65|66|67|68|69|70 ?degrees|degree|grados|f",
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
        ],
        &[],
    ),
    // "El baño está tapado" is the toilet, unless a sink, tub or shower of the bathroom is named.
    clause(
        Fact::ToiletClogged,
        &["bano|taza ~2 tapado|tapada|no+baja|no+jala|se+tapo"],
        &["lavabo*|lavamanos|regadera*|tina|ducha*|coladera*|fregadero*"],
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
        &[
            "pilot|fridge*|refrigerator*|freezer*|oven*|dishwasher*|washer*|dryer*|microwave*|stove*|ac|button|car|coche|flicker*|parpadea*|coalarm|smokealarm",
            "fall+out|falls+out|fell+out|falling+out|loose|suelto|flojo",
        ],
    ),
    clause(
        Fact::BreakerTrips,
        &[
            "breaker*|panel|fuse*|gfci|pastilla*|breakers ~5 trip*|keeps+going+off|flipped|flips|blow*|blew|blown|se+bota|se+baja|se+bajo|se+botan|se+cae|se+bajan",
            "trip*|blew|blown|blows|flips ~3 breaker*|fuse*|panel|gfci",
        ],
        &[],
    ),
    clause(
        Fact::HotOutlet,
        &[
            "outlet*|plug|plugs|switch|switches|panel|breaker*|enchufe*|contacto*|apagador*|socket* ?is|are|feels|feel|gets|getting|got|was|were|runs|esta|estan|se+siente|se+pone ?very|really|too|super|extremely|muy hot|warm|caliente|calientes|buzzing|buzzes|humming|hums|crackling|crackles|zumba|zumbando",
            "buzz*|crackl*|humming|zumbido ~6 outlet*|panel|breaker*|switch|switches|enchufe*|contacto*",
            "outlet*|panel|breaker*|switch|switches|enchufe*|contacto* ~4 buzz*|humming|crackl*|zumba*|zumbido",
        ],
        &[],
    ),
    // Sentence-wide, so that "a crack in the ceiling, no water" (no water damage) is no outage.
    sentence(
        Fact::NoWater,
        &[
            "no+water|no+running+water|sin+agua|no+hay+agua|no+tengo+agua|no+sale+agua|no+tenemos+agua",
            "water|agua ~2 shut+off|turned+off|cut+off|not+com*+out|not+running|not+work*|no+sale|se+corto|cortaron",
        ],
        &[
            "hot|warm|caliente|fria|pressure|presion|tank|fridge*|refrigerator*|dispenser|icemaker|damage|waterheater|bill|factura|floor|piso|leak*|ceiling|techo|wall|pared*|puddle*|charco*|everywhere|por+todos+lados",
        ],
    ),
    clause(
        Fact::FrozenPipes,
        &[
            "frozen|froze|freezing|congelad* ~2 pipe*|tuberia*|tubo*|cano*",
            "pipe*|tuberia*|tubo*|cano* ~3 frozen|froze|freezing|congelad*|se+congel*",
        ],
        &[],
    ),
    // Sentence-wide, so that "locked out of my mailbox, lost the little key" is about the mailbox.
    sentence(
        Fact::LostKeys,
        &[
            "lost|misplaced|perdi|perdimos ~3 key|keys|fob|keycard|llave*|tarjeta",
            "key|keys|fob|keycard|llave*|tarjeta ~3 stolen|robad*|lost|missing|se+perdi*|perdid*",
            "stolen ~2 key|keys|fob|purse|wallet",
            "took|stole|robaron|se+llevaron ~3 key|keys|fob|llave*",
            "key|keys|llave* ~3 broke|broken|snapped|stuck|atorada|rota|se+rompio ~3 lock|door|cerradura|chapa|puerta",
            "robaron ~3 llave*",
        ],
        // The key to a mailbox or a storage unit can wait.
        &["mailbox|buzon|storage|locker|shed|bike|bicycle|gym|pool|laundry|cabinet*|closet"],
    ),
    clause(
        Fact::Leak,
        &[
            "leak|leaks|leaking|leaked|leaky|leakage|drip|drips|dripping|dripped|gotea|goteando|goteo|fuga|fugas|filtra*|filtracion|escurre|escurriendo|seep*",
            "puddle*|charco*",
            "ceiling|techo ~3 sagging|bulging|bubbling|wet|mojado|hinchado",
            "water|agua ~3 under+the+sink|under+sink|coming+from|coming+out+of+the+wall|on+the+floor|debajo+del+fregadero|en+el+piso",
            "se+esta+saliendo|se+sale|se+salio|esta+saliendo|saliendo|sale ~2 el|la ?agua ~3 debajo|abajo|por|de|del",
        ],
        &[
            "gas|propane|propano|coalarm|monoxide|monoxido|carbon|roof*|tejado|azotea|shingle*|rain|raining|rains|rained|lluvia|llueve|air|oil|aceite|battery|memory",
            // Gutters drip outside.
            "gutter*|downspout*|canaleta*",
            "fria|frio|caliente|tibia",
        ],
    ),
    sentence(
        Fact::RoofLeak,
        &[
            "roof*|tejado|azotea|shingle*|skylight* ~4 leak*|drip*|gotea*|gotera*|filtra*|water+coming|water+comes",
            "leak*|gotera*|drip*|gotea* ~4 roof*|tejado|azotea|skylight*",
            "rain|raining|rains|rained|lluvia|llueve|llovio|llover ~4 leak*|coming+in|comes+in|came+in|gotea*|gotera*|entra|entro|se+mete|se+metio|filtra*|drip*",
            "leak*|gotera*|gotea*|coming+in|comes+in|came+in|entra|entro|se+mete|se+metio|drip* ~6 rain|raining|rains|rained|lluvia|llueve|llovio|llover",
            "gotera|goteras",
            "roof*|tejado|azotea|shingle*|skylight* ~10 wet+spot*|water+stain*|stain*|wet|mancha*|humedad",
            "snow|ice+dam*|nieve|hielo ~4 melt*|roof*|ceiling|techo|coming+in|comes+in|leak*",
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
        &["toilet*|inodoro*|excusado*|escusado*|taza|bano|wc|commode|gutter*|downspout*|canaleta*"],
    ),
    clause(Fact::Disposal, &["disposal"], &[]),
    clause(
        Fact::DeadOutlet,
        &[
            "outlet|plug|socket|enchufe|contacto ~3 not+work*|dead|stopped+working|not+function*|no+funciona|no+sirve|no+da+corriente|no+tiene+corriente",
        ],
        &[],
    ),
    clause(
        Fact::LightOut,
        &[
            "light|bulb|fixture|lamp|foco|lampara|bombilla|luz ~3 out|not+work*|not+turn*|flicker*|burned+out|burnt+out|dead|no+funciona|no+prende|no+enciende|se+fundio|se+quemo|parpadea*",
            "flicker*|parpadea*",
        ],
        &[
            "pilot|piloto|fridge*|refrigerator*|oven*|microwave*|engine|coalarm|smokealarm|waterheater",
        ],
    ),
    clause(
        Fact::Pests,
        &[
            "roach*|cockroach*|mouse|mice|rat|rats|rodent*|bedbugs|bedbug*|ants|ant|termite*|wasp*|hornet*|bees|beehive|pest|pests|flea*|spider*|droppings|exterminator|fumigat*|cucaracha*|raton*|rata|ratas|roedor*|chinche*|hormiga*|termita*|avispa*|abeja*|pulga*|arana*|plaga*|fumigar|squirrel*|raccoon*|possum*|opossum*|bat|bats|ardilla*|mapache*|murcielago*|gnat*|silverfish|scorpion*|alacran*|escorpion*|mosquito*|moscas|flies|vermin|pigeon*|paloma*|critter*",
            "bird|birds|pajaro*|something|animal*|creature* ~4 nest|nests|nesting|living|nido|viviendo",
            "scratch*|scurry*|scurrying|gnaw*|chewing|rasca*|arana* ~4 wall|walls|ceiling|attic|pared*|techo",
        ],
        &[],
    ),
    clause(
        Fact::Thermostat,
        &[
            "thermostat*|termostato ~3 blank|not+work*|dead|broken|no+funciona|no+prende|not+respond*|not+turn*",
        ],
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
        &[
            "dishwasher*|washer*|dryer*|oven*|stove*|range|microwave*|icemaker|cooktop*|lavadora*|secadora*|lavavajillas|horno*|estufa*|microondas|burner*|quemador* ~3 not+work*|broken|broke|not+drain*|not+dry*|not+heat*|not+spin*|not+start*|not+turn*|not+light*|not+clean*|not+function*|leak*|noise|noisy|loud|stopped|dead|died|no+funciona|no+sirve|no+prende|no+calienta|descompuest*|no+seca|no+lava|no+enciende|no+centrifuga",
        ],
        &[],
    ),
    clause(
        Fact::PilotOut,
        &[
            "pilot|piloto ~3 out|not+stay*|not+light*|not+lit|keeps+going+out|goes+out|went+out|off|apagad*|se+apago|no+prende|no+enciende|no+se+queda",
        ],
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
    "stopped+it|got+it+to+stop|managed+to+stop",
];

/// Phrases that say the tenant closed a valve after a water fact: a flood is then no longer
/// active, and a leak is contained rather than over.
const SHUT_OFF: &[&str] = &[
    "under+control",
    "turned|shut|closed ?off ?the water|valve|main|shutoff ?off",
    "by+turning|by+closing|by+shutting ~2 valve|water|main|shutoff",
    "cerre|cerramos ~2 llave|valvula|agua",
];

/// "Trying to shut off the water" is not the water stopping.
const ATTEMPTS: &[&str] = &[
    "to",
    "try",
    "tried",
    "trying",
    "can",
    "could",
    "how",
    "intente",
    "intentando",
    "puedo",
];

/// Words that may stand between a negation and what it negates ("there isn't any gas smell").
const FILLERS: &[&str] = &[
    "a",
    "an",
    "the",
    "any",
    "some",
    "more",
    "much",
    "many",
    "signs",
    "sign",
    "sort",
    "kind",
    "of",
    "there",
    "theres",
    "is",
    "are",
    "was",
    "were",
    "be",
    "been",
    "being",
    "it",
    "its",
    "really",
    "actually",
    "visible",
    "obvious",
    "strong",
    "real",
    "even",
    "still",
    "longer",
    "evidence",
    "trace",
    "traces",
    "smell",
    "smelled",
    "smelt",
    "smelling",
    "see",
    "seen",
    "seeing",
    "notice",
    "noticed",
    "noticing",
    "detect",
    "detected",
    "hear",
    "heard",
    "feel",
    "felt",
    "i",
    "we",
    "can",
    "could",
    "do",
    "does",
    "did",
    "have",
    "has",
    "had",
    "at",
    "all",
    "currently",
    "so",
    "too",
    "such",
    "that",
    "this",
    "my",
    "our",
    "ever",
    "further",
    "seem",
    "seems",
    "obviously",
    "definitely",
    "hay",
    "habia",
    "un",
    "una",
    "unos",
    "unas",
    "ningun",
    "ninguna",
    "ninguno",
    "el",
    "la",
    "los",
    "las",
    "de",
    "del",
    "mas",
    "ya",
    "se",
    "me",
    "nos",
    "veo",
    "siento",
    "huelo",
    "tengo",
    "tenemos",
    "esta",
    "estan",
    "es",
    "muy",
];

const NEGATORS: &[&str] = &[
    "no", "not", "never", "without", "nothing", "none", "neither", "nor", "sin", "nunca", "ni",
    "tampoco",
];

/// Negators that say a thing is not there at all ("no water"), rather than that it fails.
const ABSENCE: &[&str] = &[
    "no", "without", "sin", "none", "nothing", "ningun", "ninguna",
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
        let whole = [text.all()];
        let units: &[Range<usize>] = match rule.scope {
            Scope::Clause => &text.clauses,
            Scope::Sentence => &text.sentences,
            Scope::Text => &whole,
        };
        for unit in units {
            if rule.unless.iter().any(|p| text.has(p, unit.clone())) {
                continue;
            }
            for phrase in rule.phrases {
                for m in text.find(phrase, unit.clone()) {
                    if hits
                        .iter()
                        .any(|h| h.fact == rule.fact && h.start == m.start)
                    {
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
        .any(|h| matches!(h.fact, Fact::FireOrSparks | Fact::Fire) && h.negated_by.is_some())
        || text.has(
            "false+alarm|no+reason|randomly|random|cooking|cooked|steam|shower*|toast|falsa+alarma|sin+razon|cocinando|vapor",
            all.clone(),
        );
    let heating = text.has(HEAT_WORDS, all.clone());
    let other_toilet = text.has(
        "other|second|another|guest|half|extra|2|two|otro|segundo ~2 toilet*|bathroom*|bath|baths|bano|banos|inodoro*",
        all.clone(),
    ) || text.has("2+bathrooms|two+bathrooms|dos+banos", all);

    // Sentences that tell of sewage: water everywhere there is sewage.
    let sewage_sentences: Vec<usize> = hits
        .iter()
        .filter(|h| h.fact == Fact::Sewage && h.negated_by.is_none())
        .filter_map(|h| text.toks.get(h.start).map(|t| t.sentence))
        .collect();

    // Symptoms, leaving the home or a reading keep a CO alarm an alarm, battery or not.
    let co_danger = text.has(
        "headache*|head+hurts|dizzy|dizziness|nause*|sick|vomit*|faint*|outside|evacuat*|ppm|dolor+de+cabeza|mareo*|mareados|afuera",
        text.all(),
    );
    let low_battery = |start: usize| {
        !co_danger
            && text.has(
                "low+battery|battery+low|battery+is+low|bateria+baja|pila+baja",
                text.sentence_of(start),
            )
    };

    for h in hits.iter_mut() {
        let mut shut_off = false;
        if h.negated_by.is_none() && h.fact.resolvable() {
            h.stopped_by = text.stopped_after(h.end, STOPPED);
            if h.stopped_by.is_none() && matches!(h.fact, Fact::Flooding | Fact::Leak) {
                shut_off = true;
                h.stopped_by = text.stopped_after(h.end, SHUT_OFF);
            }
        }
        h.fact = match h.fact {
            Fact::CoChirp if battery => Fact::DetectorChirp,
            // The detector itself says "low battery": only then is a beeping CO alarm a chirp.
            Fact::CarbonMonoxide if low_battery(h.start) => Fact::DetectorChirp,
            Fact::CoChirp => Fact::CarbonMonoxide,
            Fact::SmokeAlarm if battery => Fact::DetectorChirp,
            Fact::SmokeAlarm if fire_ruled_out => Fact::DetectorFault,
            Fact::SmokeAlarm => Fact::Fire,
            Fact::PilotOut if heating => Fact::NoHeat,
            Fact::PilotOut => Fact::NoHotWater,
            Fact::Flooding if h.stopped_by.is_some() => Fact::StoppedFlood,
            Fact::Flooding
                if text
                    .toks
                    .get(h.start)
                    .is_some_and(|t| sewage_sentences.contains(&t.sentence)) =>
            {
                Fact::Sewage
            }
            // "The dryer runs but there's no heat": the appliance named before it has no heat,
            // unless the home's heating is named too.
            Fact::NoHeat if appliance_heat(text, h.start) => Fact::ApplianceFault,
            Fact::ToiletClogged if other_toilet => Fact::SpareToiletClogged,
            Fact::Leak if shut_off && h.stopped_by.is_some() => {
                h.stopped_by = None;
                Fact::ContainedLeak
            }
            Fact::Leak => {
                let sentence = text.sentence_of(h.start);
                let clause = text.clause_of(h.start);
                if text.has(CONTAINED, sentence.clone()) {
                    Fact::ContainedLeak
                } else if text.has(FAUCET, clause.clone()) {
                    Fact::FaucetDrip
                } else if text.has("dishwasher*|washer*|lavadora*|lavavajillas", clause.clone())
                    && !text.has(PLUMBING_PARTS, clause.clone())
                {
                    // A dishwasher or washer that leaks can wait unused; the pipe behind it can't.
                    Fact::ApplianceFault
                } else if text.has(MINOR, clause) && !text.has(DAMAGE, sentence) {
                    Fact::MinorLeak
                } else {
                    Fact::Leak
                }
            }
            f => f,
        };
    }
}

/// Whether a "no heat" at `start` belongs to an appliance named earlier in its sentence, with no
/// word for the home's heating or for the home itself being cold anywhere in the sentence.
fn appliance_heat(text: &Text, start: usize) -> bool {
    let sentence = text.sentence_of(start);
    let before = sentence.start..start;
    text.has(
        "dryer*|oven*|stove*|range|microwave*|dishwasher*|secadora*|horno*|estufa*|lavavajillas|iron|plancha",
        before,
    ) && !text.has(
        "heater|heaters|heating|furnace*|boiler|radiator*|thermostat*|calefaccion|calefactor|caldera|termostato|apartment|house|unit|inside|in+here|freezing|cold|casa|departamento|frio|helado",
        sentence,
    )
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
    ("sink|sinks|water|agua|gas", Trade::Plumbing, 1),
    (
        "outlet*|electric*|breaker*|panel|wiring|wire|wires|switch|switches|gfci|gfi|circuit*|fuse*|enchufe*|contacto*|apagador*|electricidad|electrico*|cable*|voltage|socket*|plug|plugs|doorbell*|timbre|exhaust+fan|bathroom+fan|bath+fan|ceiling+fan|vent+fan",
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
        "lock|locks|locked|lockout|deadbolt*|latch*|strike+plate|key|keys|keypad|keycard|fob|doorknob|cerradura*|chapa*|candado*|cerrojo*|rekey*|unlock*",
        Trade::Locksmith,
        2,
    ),
    ("llave*", Trade::Locksmith, 1),
    (
        "roach*|cockroach*|mouse|mice|rat|rats|rodent*|bedbugs|bedbug*|ant|ants|termite*|wasp*|hornet*|bees|beehive|pest|pests|flea*|spider*|droppings|exterminator|cucaracha*|raton*|rata|ratas|roedor*|chinche*|hormiga*|termita*|avispa*|abeja*|pulga*|arana*|plaga*|squirrel*|raccoon*|ardilla*|mapache*|gnat*|scorpion*|alacran*|mosquito*|moscas|vermin|pigeon*|paloma*|critter*",
        Trade::Pest,
        2,
    ),
    (
        "roof*|shingle*|gutter*|downspout*|skylight*|tejado*|azotea*|gotera*|canaleta*",
        Trade::Roofing,
        3,
    ),
    // Water that comes with the rain comes through the roof or the walls, not the pipes.
    (
        "rain|raining|rains|rained|lluvia|llueve|llovio|snow|ice+dam*",
        Trade::Roofing,
        2,
    ),
    ("techo", Trade::Roofing, 1),
    ("mold|moldy|mildew|moho|mould", Trade::General, 2),
    (
        "drywall|sheetrock|paint*|caulk*|cabinet*|drawer*|carpet*|tile|tiles|railing*|handrail*|fence*|blind*|gabinete*|countertop*|baseboard*|hinge*|floorboard*|towel+bar",
        Trade::General,
        2,
    ),
    (
        "door|doors|window*|closet*|stair*|gate|screen*|puerta*|ventana*|pared*|piso|pisos|vidrio*|glass",
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
            format!(
                "words point to {}: {}",
                self.trade.as_str(),
                quoted.join(", ")
            )
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
    // A gas leak is a plumber's job (gas lines and connectors) whatever appliance it is near:
    // routing it to an appliance technician could leave an emergency with nobody to send.
    if primary.is_some_and(|h| matches!(h.fact, Fact::Gas)) {
        return TradeChoice {
            trade: Trade::Plumbing,
            words: Vec::new(),
        };
    }
    let n = Trade::ALL.len();
    let mut score = vec![0u32; n];
    let mut first = vec![usize::MAX; n];
    let mut words: Vec<Vec<String>> = vec![Vec::new(); n];
    // Water shows up at a light or on a floor, but comes from a pipe: for water facts, words
    // for electrics and general fittings are places, not trades.
    let water = primary.is_some_and(|h| h.fact.watery());
    // Trade words actually said: "no water" (no water damage) names no trade.
    let said: Vec<(Range<usize>, Trade, u32)> = VOCABULARY
        .iter()
        .filter(|(_, trade, _)| !(water && matches!(trade, Trade::Electrical | Trade::General)))
        .flat_map(|(phrase, trade, weight)| {
            text.find(phrase, text.all())
                .into_iter()
                .map(move |m| (m, *trade, *weight))
        })
        .filter(|(m, _, _)| !text.said_absent(m.start))
        .collect();
    // The deciding fact's clause, reaching back to the start of its sentence when the clause
    // names no device: in "my fridge made a pop and there is smoke coming out the back" the
    // smoke is the fridge's.
    let home = primary.map(|h| {
        let clause = text.clause_of(h.start);
        let named = said
            .iter()
            .any(|(m, _, weight)| *weight >= 2 && clause.contains(&m.start));
        if named {
            clause
        } else {
            text.sentence_of(h.start).start..clause.end
        }
    });
    for (m, trade, weight) in said {
        let Some(i) = Trade::ALL.iter().position(|t| *t == trade) else {
            continue;
        };
        let near = home.as_ref().is_some_and(|c| c.contains(&m.start));
        score[i] += weight * if near { CLAUSE_WEIGHT } else { 1 };
        first[i] = first[i].min(m.start);
        let word = text.quote(m);
        if !words[i].contains(&word) {
            words[i].push(word);
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
    (
        "bedroom*|recamara*|habitacion*|dormitorio*|cuarto",
        "bedroom",
    ),
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
        Fact::FireOrSparks | Fact::Fire => {
            if near("fire|fires|flames|fuego|incendio*|llamas|ablaze|blaze") {
                format!("Reported fire{in_room}: the fire department must be called.")
            } else if near("panel|breaker*") {
                "Sparks, smoke or a burning smell at the electrical panel: likely an overheating \
                 breaker or connection, a fire risk."
                    .to_string()
            } else if near(
                "outlet*|plug|plugs|socket*|enchufe*|contacto*|switch|switches|apagador*",
            ) {
                format!(
                    "Sparks, smoke or burning at an outlet or switch{in_room}: likely a loose \
                     connection or failing device, a fire risk."
                )
            } else if near(
                "dryer*|oven*|stove*|range|microwave*|dishwasher*|washer*|fridge*|refrigerator*|secadora*|horno*|estufa*|microondas|lavadora*|refri",
            ) {
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
            if near(
                "break+in|breakin|broke+in|broken+into|broke+into|burglar*|robbed|robbery|intruder*|forced|kicked|robo|robaron|ladron*|se+metieron|forzaron",
            ) {
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
            "Key lost, stolen or broken: the lock may need rekeying or repair and the tenant new \
             keys."
                .to_string()
        }
        Fact::Leak => {
            if near("ceiling|techo") {
                format!(
                    "Leak through the ceiling{in_room}: likely a pipe, fixture or the roof above."
                )
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
            format!(
                "Small leak or damp spot{in_room}: likely a loose fitting, worn washer or seal."
            )
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
    "because", "while", "n", "y", "pero", "tambien", "aunque", "sino", "ademas", "luego",
    "entonces", "porque", "mientras",
];

/// Conjunctions after which a negated verb ("and won't cool") or a limiting adverb ("but only
/// blows warm air") still speaks of the same thing.
const SAME_SUBJECT_CONJUNCTIONS: &[&str] = &["and", "but", "n"];

/// Verbs that carry a `not` ("will not", "does not" once contractions are expanded).
const AUXILIARIES: &[&str] = &[
    "will", "would", "does", "do", "did", "is", "are", "was", "were", "can", "could", "has",
    "have", "had", "should",
];

/// Folded spellings joined into one word, most specific first: a water heater is not heating,
/// a smoke alarm is not smoke, a fire escape is not a fire.
const COMPOUNDS: &[(&str, &str)] = &[
    (
        "smoke ?and co|carbon+monoxide detector|detectors|alarm|alarms|sensor|sensors",
        "coalarm",
    ),
    (
        "carbon+monoxide|monoxide|co|co2 detector|detectors|alarm|alarms|sensor|sensors|monitor|monitors",
        "coalarm",
    ),
    (
        "detector|detectores|alarma|alarmas|sensor de monoxido ?de ?carbono",
        "coalarm",
    ),
    ("detector|detectores|alarma|alarmas|sensor de co", "coalarm"),
    (
        "smoke|fire detector|detectors|alarm|alarms|sensor|sensors",
        "smokealarm",
    ),
    (
        "detector|detectores|alarma|alarmas|sensor de humo|incendio|incendios",
        "smokealarm",
    ),
    (
        "fire escape|extinguisher|extinguishers|exit|door|doors|hydrant|sprinkler|sprinklers|inspection|code|drill",
        "firesafety",
    ),
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
        let words = water_heater_in_spanish(join_compounds(words));

        let mut toks: Vec<Tok> = Vec::new();
        let mut pending = Break::None;
        let (mut clause, mut sentence) = (0, 0);
        for (i, raw) in words.iter().enumerate() {
            let raw = raw.clone();
            let brk = pending.max(raw.brk);
            if CONJUNCTIONS.contains(&raw.word.as_str()) {
                // "the mini split blinks and won't cool": a negated verb right after the
                // conjunction keeps the subject, so the clause goes on.
                let continues = raw.brk == Break::None
                    && SAME_SUBJECT_CONJUNCTIONS.contains(&raw.word.as_str())
                    && match (words.get(i + 1), words.get(i + 2)) {
                        // "and won't cool"
                        (Some(aux), Some(not)) if AUXILIARIES.contains(&aux.word.as_str()) => {
                            aux.brk == Break::None && not.word == "not"
                        }
                        // "but only blows warm air"
                        (Some(adverb), _) => {
                            adverb.brk == Break::None
                                && ["only", "just", "barely", "never"]
                                    .contains(&adverb.word.as_str())
                        }
                        _ => false,
                    };
                pending = if continues {
                    brk
                } else {
                    brk.max(Break::Clause)
                };
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
        let (Some(first), Some(last)) =
            (self.toks.get(r.start), self.toks.get(r.end.wrapping_sub(1)))
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

    /// Whether the word at `start` is said to be absent: "no water", "sin gas", with only filler
    /// words between ("won't lock" still names a lock).
    fn said_absent(&self, start: usize) -> bool {
        let Some(clause) = self.toks.get(start).map(|t| t.clause) else {
            return false;
        };
        self.toks[..start]
            .iter()
            .rev()
            .take_while(|t| t.clause == clause)
            .find(|t| !FILLERS.contains(&t.word.as_str()))
            .is_some_and(|t| ABSENCE.contains(&t.word.as_str()))
    }

    /// One of `phrases` (saying the water stopped), after `end` in the same sentence or in the next one.
    fn stopped_after(&self, end: usize, phrases: &[&str]) -> Option<Range<usize>> {
        let sentence = self.toks.get(end.checked_sub(1)?)?.sentence;
        let until = self
            .sentences
            .get(sentence + 1)
            .or_else(|| self.sentences.get(sentence))
            .map_or(end, |r| r.end);
        phrases.iter().find_map(|p| {
            self.find(p, end..until).into_iter().find(|m| {
                let attempt = (m.start.saturating_sub(2)..m.start)
                    .filter_map(|i| self.toks.get(i))
                    .any(|t| ATTEMPTS.contains(&t.word.as_str()));
                !attempt && self.negation_before(m.start, false).is_none()
            })
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
    let mut skip_to = 0;
    for (i, c) in src.char_indices() {
        if i < skip_to {
            continue;
        }
        let next = i + c.len_utf8();
        // "heat's out", "water's everywhere": the 's is "is" (or "has"), a word of its own, so
        // that "heat" is still "heat"; a possessive read as "is" harms no rule.
        if is_apostrophe(c) && !word.is_empty() && is_s_contraction(&src[next..]) {
            out.push(Raw {
                word: std::mem::take(&mut word),
                start,
                end,
                brk: pending,
            });
            pending = Break::None;
            out.push(Raw {
                word: "is".to_string(),
                start: i,
                end: next + 1,
                brk: Break::None,
            });
            skip_to = next + 1;
            continue;
        }
        // Accents typed as combining marks and the apostrophe in "don't" stay inside the word.
        if is_combining(c) || (is_apostrophe(c) && !word.is_empty()) {
            if !word.is_empty() {
                end = next;
            }
            continue;
        }
        // A few emoji say a word: "🚽 clogged", "⚡🔥 outlet", "🐭 in the kitchen".
        if let Some(said) = emoji_word(c) {
            if !word.is_empty() {
                out.push(Raw {
                    word: std::mem::take(&mut word),
                    start,
                    end,
                    brk: pending,
                });
                pending = Break::None;
            }
            out.push(Raw {
                word: said.to_string(),
                start: i,
                end: next,
                brk: pending,
            });
            pending = Break::None;
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

/// After an apostrophe: an `s` that ends the word (`heat's`, `it's`), not `s` starting a longer
/// tail.
fn is_s_contraction(rest: &str) -> bool {
    let mut chars = rest.chars();
    matches!(chars.next(), Some('s' | 'S')) && !chars.next().is_some_and(char::is_alphanumeric)
}

/// The word an emoji stands for, for the few that tenants use instead of one.
fn emoji_word(c: char) -> Option<&'static str> {
    Some(match c {
        '\u{1F525}' => "fire",                              // 🔥
        '\u{26A1}' => "electricity",                        // ⚡
        '\u{1F4A7}' | '\u{1F4A6}' | '\u{1F30A}' => "water", // 💧 💦 🌊
        '\u{1F976}' => "freezing",                          // 🥶
        '\u{1F975}' => "hot",                               // 🥵
        '\u{1F42D}' | '\u{1F401}' => "mouse",               // 🐭 🐁
        '\u{1F400}' => "rat",                               // 🐀
        '\u{1FAB3}' => "roach",                             // 🪳
        '\u{1F41C}' => "ants",                              // 🐜
        '\u{1F577}' => "spider",                            // 🕷
        '\u{1F41D}' => "bees",                              // 🐝
        '\u{1F987}' => "bat",                               // 🦇
        '\u{1F6BD}' => "toilet",                            // 🚽
        '\u{1F6BF}' => "shower",                            // 🚿
        '\u{1F6C1}' => "tub",                               // 🛁
        '\u{1F4A9}' => "poop",                              // 💩
        '\u{1F511}' | '\u{1F5DD}' => "key",                 // 🔑 🗝
        '\u{1F512}' | '\u{1F510}' => "lock",                // 🔒 🔐
        '\u{1F4A1}' => "light",                             // 💡
        '\u{1F50C}' => "plug",                              // 🔌
        _ => return None,
    })
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
        "toliet" | "toilit" | "tiolet" | "toilett" | "toillet" | "toilette" | "tolet" | "toiet"
        | "toilete" => "toilet",
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
        "hott" | "hoot" => "hot",
        "lokced" | "loked" | "lcoked" | "lockd" | "lcked" => "locked",
        "calenton" | "calentones" => "calefactor",
        // Dropped g's: "sparkin n smokin".
        "sparkin" => "sparking",
        "smokin" => "smoking",
        "burnin" => "burning",
        "drippin" => "dripping",
        "pourin" => "pouring",
        "gushin" => "gushing",
        "sprayin" => "spraying",
        "freezin" => "freezing",
        "workin" => "working",
        "runnin" => "running",
        "flushin" => "flushing",
        "comin" => "coming",
        "beepin" => "beeping",
        "chirpin" => "chirping",
        "flickerin" => "flickering",
        "trippin" => "tripping",
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

/// "Calentador" is a space heater or a water heater: with hot or cold water, a shower or a bath
/// mentioned anywhere in the description, it is the water heater.
fn water_heater_in_spanish(mut words: Vec<Raw>) -> Vec<Raw> {
    let folded: Vec<&str> = words.iter().map(|r| r.word.as_str()).collect();
    let about_water = [
        "agua ?muy|bien|solo|puro fria|frio|caliente|tibia|helada|congelada",
        "ducha*|regadera*|banarme|banarnos|banar",
    ]
    .iter()
    .map(|p| parse_phrase(p))
    .any(|water| (0..folded.len()).any(|i| match_at(&water, &folded, i).is_some()));
    if about_water {
        for w in words.iter_mut().filter(|w| w.word == "calentador") {
            w.word = "waterheater".to_string();
        }
    }
    words
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
                let fits = words
                    .get(pos..pos + alt.len())
                    .is_some_and(|ws| alt.iter().zip(ws).all(|(p, w)| word_matches(p, w)));
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
mod tests {
    use super::*;

    fn run(description: &str) -> Triage {
        triage(&TriageInput::new(description))
    }

    /// In the heating season, so that "no heat" counts as the emergency it then is.
    fn in_winter(description: &str) -> Triage {
        triage(&TriageInput {
            cold_weather: true,
            ..TriageInput::new(description)
        })
    }

    fn assert_emergency(kind: EmergencyKind, descriptions: &[&str]) {
        for d in descriptions {
            let t = in_winter(d);
            assert_eq!(t.emergency, Some(kind), "{d:?} gave {t:#?}");
            assert_eq!(t.priority, Priority::Emergency, "{d:?} gave {t:#?}");
            assert_eq!(
                t.safety_instructions.as_deref(),
                Some(safety_instructions(kind)),
                "{d:?}"
            );
        }
    }

    fn assert_no_emergency(descriptions: &[&str]) {
        for d in descriptions {
            let t = in_winter(d);
            assert_eq!(t.emergency, None, "{d:?} gave {t:#?}");
            assert_ne!(t.priority, Priority::Emergency, "{d:?}");
            assert_eq!(t.safety_instructions, None, "{d:?}");
        }
    }

    fn assert_priority(priority: Priority, descriptions: &[&str]) {
        for d in descriptions {
            let t = run(d);
            assert_eq!(t.priority, priority, "{d:?} gave {t:#?}");
        }
    }

    fn has_tip(t: &Triage, needle: &str) -> bool {
        t.tips.iter().any(|tip| tip.contains(needle))
    }

    fn has_driver(t: &Triage, needle: &str) -> bool {
        t.drivers.iter().any(|d| d.contains(needle))
    }

    // ---- Emergencies, English and Spanish ---------------------------------------------------

    #[test]
    fn a_gas_smell_in_english_is_a_gas_emergency() {
        assert_emergency(
            EmergencyKind::Gas,
            &[
                "I smell gas in the kitchen",
                "There's a strong gas odor by the stove",
                "it smells like rotten eggs near the furnace",
                "I think there is a gas leak in the hallway",
                "Hissing sound and smell of gas at the meter",
            ],
        );
    }

    #[test]
    fn a_gas_smell_in_spanish_is_a_gas_emergency() {
        assert_emergency(
            EmergencyKind::Gas,
            &[
                "Huele a gas en la cocina",
                "Hay una fuga de gas",
                "hay olor a gas en el pasillo",
            ],
        );
    }

    #[test]
    fn a_sounding_co_alarm_in_english_is_a_carbon_monoxide_emergency() {
        assert_emergency(
            EmergencyKind::CarbonMonoxide,
            &[
                "CO alarm is beeping",
                "carbon monoxide detector going off in the hallway",
                "The carbon monoxide alarm went off twice tonight",
                "CO detector keeps beeping and I changed the battery",
            ],
        );
    }

    #[test]
    fn a_sounding_co_alarm_in_spanish_is_a_carbon_monoxide_emergency() {
        assert_emergency(
            EmergencyKind::CarbonMonoxide,
            &[
                "la alarma de monóxido está sonando",
                "el detector de monoxido de carbono esta pitando",
            ],
        );
    }

    #[test]
    fn active_water_in_english_is_a_flooding_emergency() {
        assert_emergency(
            EmergencyKind::Flooding,
            &[
                "Water everywhere under the kitchen sink!",
                "pipe burst in the basement",
                "water is gushing out of the wall",
                "The basement is flooded",
                "ceiling is leaking a lot in the bedroom",
                "water pouring through the light fixture",
                "the toilet is overflowing and won't stop",
            ],
        );
    }

    #[test]
    fn active_water_in_spanish_is_a_flooding_emergency() {
        assert_emergency(
            EmergencyKind::Flooding,
            &[
                "Se inunda el baño",
                "inundación en la cocina",
                "se rompió la tubería y sale mucha agua",
                "hay agua por todos lados",
            ],
        );
    }

    #[test]
    fn sparks_smoke_burning_or_fire_in_english_is_a_fire_emergency() {
        assert_emergency(
            EmergencyKind::FireOrSparks,
            &[
                "the outlet is sparking",
                "smoke coming out of the outlet in the bedroom",
                "burning smell from the electrical panel",
                "there is a fire in the kitchen",
                "the light switch is melted and black",
                "smoke alarm going off",
            ],
        );
    }

    #[test]
    fn sparks_smoke_or_fire_in_spanish_is_a_fire_emergency() {
        assert_emergency(
            EmergencyKind::FireOrSparks,
            &[
                "Salen chispas del enchufe",
                "hay humo saliendo del contacto",
                "hay fuego en la cocina",
                "huele a quemado en el panel",
            ],
        );
    }

    #[test]
    fn sewage_backing_up_in_english_is_a_sewage_emergency() {
        assert_emergency(
            EmergencyKind::Sewage,
            &[
                "Sewage backing up into the bathtub",
                "the sewer is backing up through the floor drain",
                "toilet overflowed with poop everywhere",
                "toilet water is coming up in the shower",
            ],
        );
    }

    #[test]
    fn sewage_backing_up_in_spanish_is_a_sewage_emergency() {
        assert_emergency(
            EmergencyKind::Sewage,
            &[
                "salen aguas negras de la regadera",
                "el drenaje se regresa por la coladera",
            ],
        );
    }

    #[test]
    fn no_heat_in_english_during_the_heating_season_is_an_emergency() {
        assert_emergency(
            EmergencyKind::NoHeat,
            &[
                "No heat in the apartment",
                "the furnace is not working",
                "heater broke and it's freezing inside",
                "the radiators are cold",
                "heat went out last night",
                "no heat so we are using the oven to stay warm",
                "furnace keeps shutting off",
            ],
        );
    }

    #[test]
    fn no_heat_in_spanish_during_the_heating_season_is_an_emergency() {
        assert_emergency(
            EmergencyKind::NoHeat,
            &[
                "sin calefacción desde ayer",
                "no hay calefacción",
                "la calefacción no funciona",
            ],
        );
    }

    #[test]
    fn no_heat_outside_the_heating_season_is_urgent_with_a_driver_saying_why() {
        let t = run("No heat in the apartment");
        assert_eq!(t.priority, Priority::Urgent);
        assert_eq!(t.emergency, None);
        assert_eq!(t.safety_instructions, None);
        assert_eq!(t.trade, Trade::Hvac);
        assert!(has_driver(&t, "outside the heating season"), "{t:#?}");
        let winter = in_winter("No heat in the apartment");
        assert!(has_driver(&winter, "heating season is on"), "{winter:#?}");
    }

    #[test]
    fn a_lockout_in_english_is_a_lockout_emergency() {
        assert_emergency(
            EmergencyKind::Lockout,
            &[
                "I'm locked out",
                "locked myself out of the apartment",
                "lost my keys and I can't get in",
                "left my keys inside and the door locked behind me",
                "my key doesn't work in the front door",
            ],
        );
    }

    #[test]
    fn a_lockout_in_spanish_is_a_lockout_emergency() {
        assert_emergency(
            EmergencyKind::Lockout,
            &[
                "Me quedé afuera",
                "no puedo entrar a mi departamento",
                "dejé las llaves adentro",
            ],
        );
    }

    #[test]
    fn an_unsecured_entry_or_break_in_in_english_is_a_security_breach() {
        assert_emergency(
            EmergencyKind::SecurityBreach,
            &[
                "Front door won't lock",
                "the deadbolt is broken",
                "broken window in the living room",
                "someone broke in last night",
                "I can't lock my front door",
            ],
        );
    }

    #[test]
    fn an_unsecured_entry_or_break_in_in_spanish_is_a_security_breach() {
        assert_emergency(
            EmergencyKind::SecurityBreach,
            &[
                "La puerta de entrada no cierra",
                "la cerradura está rota",
                "nos robaron, rompieron la ventana",
            ],
        );
    }

    // ---- Negations ----------------------------------------------------------------------------

    #[test]
    fn a_negated_gas_smell_does_not_trigger_a_gas_emergency() {
        assert_no_emergency(&[
            "I don't smell gas",
            "there is no smell of gas",
            "There isn't any gas smell, the stove just clicks",
            "no huele a gas",
            "no hay olor a gas",
        ]);
    }

    #[test]
    fn no_gas_smell_with_a_pilot_out_is_urgent_and_gets_the_pilot_tip() {
        let t = run("No gas smell, but the pilot light on the water heater is out");
        assert_eq!(t.emergency, None);
        assert_eq!(t.priority, Priority::Urgent);
        assert_eq!(t.trade, Trade::Plumbing);
        assert!(has_tip(&t, "pilot"), "{t:#?}");
        assert!(has_driver(&t, "\"no gas smell\" is negated"), "{t:#?}");
    }

    #[test]
    fn a_leak_that_is_not_leaking_anymore_is_not_a_leak() {
        let t = run("The bathroom sink is not leaking anymore, but the drain is slow");
        assert_eq!(t.emergency, None);
        assert_eq!(t.priority, Priority::Routine, "{t:#?}");
        assert_eq!(t.trade, Trade::Plumbing);
    }

    #[test]
    fn heavy_leaking_that_has_since_stopped_is_urgent_not_an_emergency() {
        for d in [
            "The ceiling was leaking a lot yesterday but it's not leaking anymore",
            "Pipe burst in the basement. It has stopped now.",
        ] {
            let t = run(d);
            assert_eq!(t.emergency, None, "{d:?} gave {t:#?}");
            assert_eq!(t.priority, Priority::Urgent, "{d:?}");
            assert!(has_driver(&t, "says the water has stopped"), "{t:#?}");
        }
    }

    #[test]
    fn water_that_has_not_stopped_is_still_an_emergency() {
        assert_emergency(
            EmergencyKind::Flooding,
            &["Pipe burst in the basement. It hasn't stopped."],
        );
    }

    #[test]
    fn negated_sparks_and_smoke_leave_a_routine_dead_outlet() {
        let t = run("There are no sparks or smoke, the outlet just stopped working");
        assert_eq!(t.emergency, None);
        assert_eq!(t.priority, Priority::Routine, "{t:#?}");
        assert_eq!(t.trade, Trade::Electrical);
        assert!(has_tip(&t, "GFCI"), "{t:#?}");
    }

    #[test]
    fn a_gap_in_a_phrase_never_swallows_a_negation() {
        assert_no_emergency(&[
            "the heater is not broken, the bedroom window screen is torn",
            "The water is not everywhere, just a drop on the counter",
        ]);
    }

    #[test]
    fn a_negation_does_not_reach_into_the_next_clause_or_past_other_words() {
        assert_emergency(
            EmergencyKind::Flooding,
            &["No one is home, water is everywhere"],
        );
        assert_emergency(
            EmergencyKind::FireOrSparks,
            &[
                "No power sparks coming from outlet",
                "no hay luz y hay chispas",
            ],
        );
    }

    #[test]
    fn an_uncertain_gas_smell_still_counts_as_gas() {
        assert_emergency(
            EmergencyKind::Gas,
            &[
                "not sure if it's a gas smell or something else",
                "I don't think there is a gas leak but it smells weird",
            ],
        );
    }

    #[test]
    fn a_tenant_who_is_not_locked_out_is_not_a_lockout() {
        assert_no_emergency(&[
            "I'm not locked out, I just need a spare key",
            "Cannot get in touch with the office about the dishwasher",
        ]);
    }

    #[test]
    fn a_chirping_detector_is_a_battery_problem_not_a_fire() {
        for d in [
            "smoke detector keeps chirping",
            "carbon monoxide detector chirping, needs a new battery",
        ] {
            let t = run(d);
            assert_eq!(t.emergency, None, "{d:?} gave {t:#?}");
            assert_eq!(t.priority, Priority::Urgent, "{d:?}");
            assert!(has_tip(&t, "low battery"), "{t:#?}");
        }
    }

    #[test]
    fn a_smoke_alarm_with_fire_ruled_out_is_an_urgent_detector_fault() {
        let t = run("smoke alarm keeps going off for no reason, no smoke or fire");
        assert_eq!(t.emergency, None, "{t:#?}");
        assert_eq!(t.priority, Priority::Urgent);
        assert!(has_driver(&t, "rules out smoke or fire"), "{t:#?}");
    }

    #[test]
    fn cigarette_smoke_from_a_neighbor_is_not_a_fire() {
        assert_no_emergency(&["my neighbor is smoking cigarettes and it comes into my unit"]);
    }

    // ---- Typos and normalisation -----------------------------------------------------------

    #[test]
    fn common_typos_are_understood() {
        assert_emergency(
            EmergencyKind::Flooding,
            &["watter everywhere in the bathroom"],
        );
        assert_emergency(
            EmergencyKind::FireOrSparks,
            &["elecrtical fire in the bedroom"],
        );
        assert_emergency(
            EmergencyKind::NoHeat,
            &["furnance not working", "the heator died"],
        );
        assert_eq!(run("fride not cooling").trade, Trade::Appliance);
        assert_eq!(run("fride not cooling").priority, Priority::Urgent);
        assert_eq!(run("toliet clogged").trade, Trade::Plumbing);
        assert_eq!(run("toliet clogged").priority, Priority::Urgent);
        let leak = run("water leek under the sink");
        assert_eq!(leak.priority, Priority::Urgent, "{leak:#?}");
        assert_eq!(leak.trade, Trade::Plumbing);
    }

    #[test]
    fn accents_are_stripped_whether_precomposed_or_combining() {
        assert_emergency(
            EmergencyKind::Flooding,
            &[
                "inundación en la cocina",
                "inundacio\u{301}n en la cocina",
                "INUNDACION",
            ],
        );
        assert_emergency(EmergencyKind::NoHeat, &["SIN CALEFACCIÓN"]);
    }

    #[test]
    fn matching_respects_word_boundaries() {
        assert_no_emergency(&[
            "the gasket on the fridge door is torn",
            "the sparkling water button on the fridge is stuck",
            "the fireplace damper is stuck",
            "the fire extinguisher in the hallway is missing",
            "please paint the floor of the firehouse mural",
        ]);
    }

    #[test]
    fn a_water_heater_is_never_read_as_heating() {
        let t = in_winter("water heater not working");
        assert_eq!(t.emergency, None, "{t:#?}");
        assert_eq!(t.priority, Priority::Urgent);
        assert_eq!(t.trade, Trade::Plumbing);
        assert!(t.diagnosis.contains("hot water"), "{t:#?}");
    }

    #[test]
    fn an_appliance_that_does_not_heat_is_not_no_heat() {
        assert_no_emergency(&[
            "the dryer has no heat",
            "oven is not heating",
            "there is no heat from the dryer",
            "the dryer heating element is broken",
        ]);
        assert_eq!(run("the dryer has no heat").trade, Trade::Appliance);
    }

    // ---- Urgent versus routine ---------------------------------------------------------------

    #[test]
    fn no_hot_water_is_urgent_plumbing_in_english_and_spanish() {
        assert_priority(
            Priority::Urgent,
            &[
                "no hot water since this morning",
                "no hay agua caliente",
                "only cold water comes out",
            ],
        );
        assert_eq!(run("no hay agua caliente").trade, Trade::Plumbing);
    }

    #[test]
    fn air_conditioning_out_is_urgent_hvac() {
        assert_priority(
            Priority::Urgent,
            &[
                "AC is blowing warm air",
                "the a/c stopped working",
                "el aire acondicionado no funciona",
            ],
        );
        assert_eq!(run("AC is blowing warm air").trade, Trade::Hvac);
    }

    #[test]
    fn a_fridge_not_cooling_is_urgent_appliance_work() {
        assert_priority(
            Priority::Urgent,
            &[
                "refrigerator not cooling",
                "el refri no enfría",
                "freezer stopped working, food is thawing",
            ],
        );
        assert_eq!(run("el refri no enfría").trade, Trade::Appliance);
    }

    #[test]
    fn the_only_toilet_clogged_is_urgent_but_a_spare_toilet_is_routine() {
        assert_priority(
            Priority::Urgent,
            &["the only toilet is clogged", "se tapó el inodoro"],
        );
        let spare = run("toilet clogged, we have another bathroom");
        assert_eq!(spare.priority, Priority::Routine, "{spare:#?}");
        assert!(has_driver(&spare, "another toilet"), "{spare:#?}");
    }

    #[test]
    fn no_power_in_part_of_the_unit_is_urgent_electrical() {
        assert_priority(
            Priority::Urgent,
            &[
                "no power in the bedroom",
                "half the outlets in the bedroom are not working",
                "no hay luz en la recámara",
                "breaker keeps tripping",
            ],
        );
        assert_eq!(run("no power in the bedroom").trade, Trade::Electrical);
    }

    #[test]
    fn a_contained_leak_is_urgent_not_an_emergency() {
        for d in [
            "sink leaking into a bucket",
            "ceiling dripping slowly into a pot",
            "water heater is leaking",
        ] {
            let t = run(d);
            assert_eq!(t.priority, Priority::Urgent, "{d:?} gave {t:#?}");
            assert_eq!(t.emergency, None);
            assert_eq!(t.trade, Trade::Plumbing, "{d:?}");
        }
    }

    #[test]
    fn small_drips_and_running_toilets_are_routine_plumbing() {
        for d in [
            "the kitchen faucet drips",
            "la llave del lavabo gotea",
            "toilet keeps running all night",
            "small leak under the bathroom sink",
            "the kitchen sink is clogged",
        ] {
            let t = run(d);
            assert_eq!(t.priority, Priority::Routine, "{d:?} gave {t:#?}");
            assert_eq!(t.trade, Trade::Plumbing, "{d:?}");
        }
    }

    #[test]
    fn pests_are_routine_pest_control_in_english_and_spanish() {
        for d in [
            "roaches in the kitchen",
            "hay cucarachas en la cocina",
            "ratones en el garage",
        ] {
            let t = run(d);
            assert_eq!(t.priority, Priority::Routine, "{d:?}");
            assert_eq!(t.trade, Trade::Pest, "{d:?}");
        }
    }

    #[test]
    fn cosmetic_repairs_are_routine_general_work() {
        for d in [
            "paint is peeling in the hallway",
            "the window is cracked",
            "closet door is off its track",
        ] {
            let t = run(d);
            assert_eq!(t.priority, Priority::Routine, "{d:?} gave {t:#?}");
            assert_eq!(t.trade, Trade::General, "{d:?}");
        }
    }

    #[test]
    fn a_roof_leak_is_urgent_roofing_in_english_and_spanish() {
        for d in [
            "Roof leaking when it rains",
            "hay una gotera en el techo del cuarto",
        ] {
            let t = run(d);
            assert_eq!(t.priority, Priority::Urgent, "{d:?}");
            assert_eq!(t.trade, Trade::Roofing, "{d:?}");
        }
    }

    #[test]
    fn an_interior_door_that_will_not_lock_is_routine() {
        let t = run("bathroom door won't lock");
        assert_eq!(t.emergency, None);
        assert_eq!(t.priority, Priority::Routine);
    }

    #[test]
    fn lost_keys_without_a_lockout_are_urgent_locksmith_work() {
        let t = run("I lost my keys");
        assert_eq!(t.emergency, None);
        assert_eq!(t.priority, Priority::Urgent);
        assert_eq!(t.trade, Trade::Locksmith);
    }

    #[test]
    fn a_burst_appliance_hose_or_a_collapsing_ceiling_is_flooding() {
        assert_emergency(
            EmergencyKind::Flooding,
            &[
                "the washing machine hose burst",
                "The kitchen ceiling is caving in from water",
            ],
        );
        assert_eq!(
            run("the washing machine hose burst").trade,
            Trade::Appliance
        );
    }

    #[test]
    fn black_water_backing_up_is_sewage_not_a_slow_drain() {
        assert_emergency(
            EmergencyKind::Sewage,
            &["bathtub drain backing up with black water"],
        );
    }

    #[test]
    fn closing_a_valve_ends_a_flood_and_contains_a_leak() {
        let flood = run("water everywhere in bathroom from toilet, stopped it by turning valve");
        assert_eq!(flood.emergency, None, "{flood:#?}");
        assert_eq!(flood.priority, Priority::Urgent);
        let leak = run("Fuga de agua en el baño, ya cerré la llave");
        assert_eq!(leak.priority, Priority::Urgent, "{leak:#?}");
        assert_eq!(leak.trade, Trade::Plumbing);
    }

    #[test]
    fn only_trying_to_close_the_valve_leaves_the_flood_an_emergency() {
        assert_emergency(
            EmergencyKind::Flooding,
            &["Water everywhere. I'm trying to shut off the water but it keeps coming"],
        );
    }

    #[test]
    fn a_cold_indoor_temperature_reads_as_no_heat() {
        assert_emergency(
            EmergencyKind::NoHeat,
            &["It's 50 degrees in my apartment", "it's 52 in here"],
        );
        assert_no_emergency(&["there are 50 roaches inside"]);
    }

    #[test]
    fn a_jammed_lock_that_keeps_the_tenant_out_is_a_lockout_first() {
        let t = in_winter("My front door lock is jammed and I can't get in");
        assert_eq!(t.emergency, Some(EmergencyKind::Lockout));
        assert!(has_driver(&t, "security breach"), "{t:#?}");
    }

    #[test]
    fn a_key_broken_in_the_lock_is_urgent_locksmith_work() {
        let t = run("the key broke off in the lock");
        assert_eq!(t.priority, Priority::Urgent);
        assert_eq!(t.trade, Trade::Locksmith);
    }

    #[test]
    fn barbecue_smoke_or_dust_burning_off_a_heater_is_not_a_fire() {
        assert_no_emergency(&[
            "I see smoke outside from the neighbors bbq",
            "the heater smells like burning dust when it turns on",
        ]);
    }

    #[test]
    fn a_hot_smelling_or_buzzing_panel_is_a_fire_risk() {
        assert_emergency(
            EmergencyKind::FireOrSparks,
            &["Electrical panel is making a buzzing noise and smells hot"],
        );
        assert_eq!(
            run("buzzing from the breaker panel").priority,
            Priority::Urgent
        );
    }

    #[test]
    fn someone_trying_the_door_or_an_unlockable_window_is_a_security_breach() {
        assert_emergency(
            EmergencyKind::SecurityBreach,
            &[
                "someone's been trying my door at night",
                "The window in my bedroom won't lock",
            ],
        );
    }

    #[test]
    fn rain_coming_in_is_a_roof_leak_in_english_and_spanish() {
        for d in [
            "rain comes in around the skylight",
            "se metió el agua por la puerta cuando llovió",
        ] {
            let t = run(d);
            assert_eq!(t.priority, Priority::Urgent, "{d:?} gave {t:#?}");
            assert_eq!(t.emergency, None, "{d:?}");
        }
        assert_eq!(
            run("rain comes in around the skylight").trade,
            Trade::Roofing
        );
    }

    #[test]
    fn a_clogged_gutter_gets_no_plunger_tip() {
        let t = run("gutter is clogged");
        assert_eq!(t.trade, Trade::Roofing);
        assert!(!has_tip(&t, "plunger"), "{t:#?}");
    }

    // ---- Trade -------------------------------------------------------------------------------

    #[test]
    fn the_category_always_wins_for_the_trade() {
        let t = triage(&TriageInput {
            category: Some(Trade::Electrical),
            ..TriageInput::new("toilet clogged")
        });
        assert_eq!(t.trade, Trade::Electrical);
        assert!(has_driver(&t, "category set to electrical"), "{t:#?}");
    }

    #[test]
    fn the_category_never_hides_an_emergency() {
        let t = triage(&TriageInput {
            category: Some(Trade::Pest),
            ..TriageInput::new("I smell gas")
        });
        assert_eq!(t.trade, Trade::Pest);
        assert_eq!(t.emergency, Some(EmergencyKind::Gas));
    }

    #[test]
    fn the_trade_follows_the_device_named_next_to_the_problem() {
        assert_eq!(run("The dryer is smoking").trade, Trade::Appliance);
        assert_eq!(run("smoke coming from the furnace").trade, Trade::Hvac);
        assert_eq!(run("AC leaking water on the floor").trade, Trade::Hvac);
        assert_eq!(
            run("broken window in the living room").trade,
            Trade::General
        );
        assert_eq!(run("front door won't lock").trade, Trade::Locksmith);
    }

    #[test]
    fn without_trade_words_the_trade_falls_back_to_general() {
        let t = run("something is wrong, please call me");
        assert_eq!(t.trade, Trade::General);
        assert_eq!(t.priority, Priority::Routine);
        assert!(has_driver(&t, "general repair"), "{t:#?}");
    }

    // ---- Tenant flag ---------------------------------------------------------------------------

    #[test]
    fn a_tenant_emergency_flag_without_an_emergency_sign_is_urgent_with_a_driver() {
        let t = triage(&TriageInput {
            tenant_says_emergency: true,
            ..TriageInput::new("the kitchen cabinet hinge is loose")
        });
        assert_eq!(t.priority, Priority::Urgent);
        assert_eq!(t.emergency, None);
        assert_eq!(t.safety_instructions, None);
        assert!(has_driver(&t, "shows no emergency sign"), "{t:#?}");
    }

    #[test]
    fn a_tenant_emergency_flag_with_an_emergency_sign_is_noted_among_the_drivers() {
        let t = triage(&TriageInput {
            tenant_says_emergency: true,
            ..TriageInput::new("water everywhere")
        });
        assert_eq!(t.emergency, Some(EmergencyKind::Flooding));
        assert!(
            t.drivers
                .contains(&"tenant marked it as an emergency".to_string()),
            "{t:#?}"
        );
    }

    #[test]
    fn a_tenant_emergency_flag_on_heat_out_of_season_keeps_it_urgent() {
        let t = triage(&TriageInput {
            tenant_says_emergency: true,
            ..TriageInput::new("heater stopped working")
        });
        assert_eq!(t.priority, Priority::Urgent);
        assert_eq!(t.emergency, None);
    }

    // ---- Run-on text -----------------------------------------------------------------------

    #[test]
    fn run_on_text_picks_the_emergency_fact() {
        let t = run("toilet is running and also the outlet by the sink sparks");
        assert_eq!(t.emergency, Some(EmergencyKind::FireOrSparks));
        assert_eq!(t.trade, Trade::Electrical);
        assert!(has_driver(&t, "mentions \"sparks\""), "{t:#?}");
        assert!(has_driver(&t, "toilet is running"), "{t:#?}");
        assert!(t.tips.is_empty(), "{t:#?}");
    }

    #[test]
    fn run_on_text_picks_the_emergency_even_when_it_comes_last() {
        assert_emergency(
            EmergencyKind::Gas,
            &["the toilet is clogged and the fridge is noisy and also I smell gas by the stove"],
        );
    }

    #[test]
    fn the_most_dangerous_of_several_emergencies_wins() {
        let t = run("water everywhere and the outlet is sparking");
        assert_eq!(t.emergency, Some(EmergencyKind::FireOrSparks));
        assert!(has_driver(&t, "(active water leak / flooding)"), "{t:#?}");
        assert_emergency(EmergencyKind::Gas, &["pipe burst and I smell gas"]);
    }

    // ---- Tips --------------------------------------------------------------------------------

    #[test]
    fn no_power_gets_breaker_and_gfci_tips() {
        let t = run("no power in the bedroom");
        assert!(has_tip(&t, "breaker"), "{t:#?}");
        assert!(has_tip(&t, "GFCI"), "{t:#?}");
    }

    #[test]
    fn a_jammed_disposal_gets_the_hex_key_and_reset_button_tip() {
        let t = run("The garbage disposal is humming and won't turn");
        assert!(has_tip(&t, "hex key"), "{t:#?}");
        assert!(has_tip(&t, "reset button"), "{t:#?}");
    }

    #[test]
    fn a_pilot_tip_is_never_given_with_a_gas_smell() {
        let t = run("the pilot light is out and I smell gas");
        assert_eq!(t.emergency, Some(EmergencyKind::Gas));
        assert!(t.tips.is_empty(), "{t:#?}");
    }

    #[test]
    fn heating_and_cooling_problems_get_thermostat_and_filter_tips() {
        let heat = run("the furnace is not working");
        assert!(has_tip(&heat, "thermostat"), "{heat:#?}");
        let ac = run("AC not cooling");
        assert!(has_tip(&ac, "filter"), "{ac:#?}");
    }

    #[test]
    fn a_clogged_toilet_gets_the_plunger_tip_and_a_warm_fridge_the_coils_tip() {
        assert!(has_tip(&run("toilet clogged"), "plunger"));
        assert!(has_tip(&run("fridge not cooling"), "coils"));
        assert!(has_tip(&run("the bathroom sink drains slowly"), "plunger"));
    }

    #[test]
    fn a_hot_outlet_never_gets_a_breaker_reset_tip() {
        let t = run("outlet is hot to the touch and the breaker keeps tripping");
        assert!(has_tip(&t, "Stop using that outlet"), "{t:#?}");
        assert!(!has_tip(&t, "push it fully off, then on"), "{t:#?}");
        assert!(!has_tip(&t, "before resetting"), "{t:#?}");
    }

    #[test]
    fn emergencies_get_no_tips_except_harmless_ones() {
        for d in [
            "I smell gas",
            "outlet sparking",
            "water everywhere",
            "sewage backing up into the tub",
            "CO alarm going off",
            "someone broke in",
        ] {
            assert!(in_winter(d).tips.is_empty(), "{d:?}");
        }
        assert!(has_tip(&in_winter("I'm locked out"), "spare key"));
        assert!(has_tip(&in_winter("no heat"), "thermostat"));
    }

    #[test]
    fn there_are_never_more_than_three_tips() {
        let t = run(
            "AC not cooling, no power in the kitchen, toilet clogged and the disposal is jammed",
        );
        assert!(t.tips.len() <= MAX_TIPS, "{t:#?}");
        assert!(!t.tips.is_empty());
    }

    // ---- Safety instructions ---------------------------------------------------------------

    #[test]
    fn safety_instructions_are_present_exactly_for_emergencies() {
        for d in [
            "I smell gas",
            "CO alarm beeping",
            "water everywhere",
            "sparks from the outlet",
            "sewage in the tub",
            "no heat",
            "locked out",
            "front door won't lock",
            "faucet drips",
            "no hot water",
            "roaches",
            "",
        ] {
            for t in [run(d), in_winter(d)] {
                assert_eq!(
                    t.safety_instructions.is_some(),
                    t.emergency.is_some(),
                    "{d:?}"
                );
                assert_eq!(
                    t.emergency.is_some(),
                    t.priority == Priority::Emergency,
                    "{d:?}"
                );
            }
        }
    }

    #[test]
    fn every_safety_instruction_is_short_plain_text() {
        for kind in EMERGENCY_RANK {
            let s = safety_instructions(kind);
            assert!(!s.is_empty());
            assert!(s.len() < 320, "{kind:?} is {} characters", s.len());
            assert!(s.is_ascii(), "{kind:?}");
            assert!(!s.contains("  "), "{kind:?}");
        }
    }

    #[test]
    fn safety_instructions_say_the_essential_action_for_each_kind() {
        let gas = safety_instructions(EmergencyKind::Gas);
        assert!(gas.contains("Leave") && gas.contains("gas company") && gas.contains("911"));
        assert!(gas.contains("Don't switch"));
        assert!(safety_instructions(EmergencyKind::CarbonMonoxide).contains("911"));
        assert!(safety_instructions(EmergencyKind::Flooding).contains("Shut off the water"));
        assert!(safety_instructions(EmergencyKind::FireOrSparks).contains("breaker"));
        assert!(safety_instructions(EmergencyKind::Sewage).contains("Stop using water"));
        assert!(safety_instructions(EmergencyKind::SecurityBreach).contains("911"));
    }

    // ---- Output shape ------------------------------------------------------------------------

    #[test]
    fn the_diagnosis_names_the_likely_cause_and_place() {
        let t = run("Water everywhere under the kitchen sink!");
        assert_eq!(
            t.diagnosis,
            "Likely a failed supply line under the kitchen sink: active water leak."
        );
        assert!(
            t.drivers
                .contains(&"mentions \"water everywhere\"".to_string()),
            "{t:#?}"
        );
    }

    #[test]
    fn every_diagnosis_is_one_sentence_ending_with_a_period() {
        for d in [
            "I smell gas",
            "no hot water",
            "toilet running",
            "hay ratones",
            "the hallway light is out",
            "mold in the bathroom",
            "dishwasher not draining",
            "sewer smell in the bathroom",
            "",
            "hello",
        ] {
            let t = run(d);
            assert!(t.diagnosis.ends_with('.'), "{d:?}: {}", t.diagnosis);
            assert_eq!(
                t.diagnosis.matches(". ").count(),
                0,
                "{d:?}: {}",
                t.diagnosis
            );
            assert!(!t.drivers.is_empty(), "{d:?}");
        }
    }

    #[test]
    fn an_empty_description_is_routine_general_work_with_a_question() {
        let t = run("   ");
        assert_eq!(t.trade, Trade::General);
        assert_eq!(t.priority, Priority::Routine);
        assert!(t.diagnosis.contains("asked"), "{t:#?}");
    }

    #[test]
    fn every_tip_has_its_own_spanish_text_and_unknown_tips_stay_as_written() {
        let mut seen = std::collections::HashSet::new();
        for tip in Tip::ALL {
            assert!(seen.insert(tip), "{tip:?} twice in Tip::ALL");
            let es = tip_in(tip.text(), Language::Es);
            assert_ne!(es, tip.text(), "{tip:?}");
            assert_eq!(es, tip.text_es());
            assert_eq!(tip_in(tip.text(), Language::En), tip.text());
        }
        let spanish: std::collections::HashSet<_> = Tip::ALL.iter().map(|t| t.text_es()).collect();
        assert_eq!(
            spanish.len(),
            Tip::ALL.len(),
            "two tips share a Spanish text"
        );
        let own = "Call the super at 555-0100 first.";
        assert_eq!(tip_in(own, Language::Es), own);
        // Whatever triage hands a tenant can be said in Spanish.
        for d in [
            "the toilet is clogged",
            "no hot water since this morning",
            "the outlet in the kitchen is dead",
            "the smoke detector keeps chirping",
            "the garbage disposal is jammed",
        ] {
            for t in triage(&TriageInput::new(d)).tips {
                assert!(Tip::ALL.iter().any(|k| k.text() == t), "{d}: {t}");
            }
        }
    }

    #[test]
    fn triage_is_deterministic() {
        let d = "toilet is running and also the outlet by the sink sparks";
        assert_eq!(run(d), run(d));
    }

    #[test]
    fn a_triage_survives_a_json_round_trip() -> Result<(), serde_json::Error> {
        let t = in_winter("No heat and the furnace is making noise");
        let json = serde_json::to_string(&t)?;
        assert!(json.contains("\"emergency\":\"no_heat\""), "{json}");
        let back: Triage = serde_json::from_str(&json)?;
        assert_eq!(back, t);
        Ok(())
    }

    // ---- Learned from the labelled data (data/descriptions.csv) ------------------------------

    #[test]
    fn a_few_emoji_stand_for_words() {
        let t = run("🚽 clogged. only one bathroom 😭");
        assert_eq!((t.trade, t.priority), (Trade::Plumbing, Priority::Urgent));
        assert_eq!(run("🐭 in the kitchen").trade, Trade::Pest);
        assert_emergency(EmergencyKind::FireOrSparks, &["⚡🔥 outlet!!!"]);
        assert_eq!(run("⚡🔥 outlet!!!").trade, Trade::Electrical);
    }

    #[test]
    fn an_apostrophe_s_and_a_dropped_g_are_read_as_words() {
        assert_emergency(EmergencyKind::NoHeat, &["heat's been out two days"]);
        assert_emergency(EmergencyKind::FireOrSparks, &["outlit sparkin n smokin"]);
        assert_emergency(EmergencyKind::Lockout, &["lokced out of my place"]);
    }

    #[test]
    fn a_negated_verb_after_and_keeps_the_subject() {
        let t = run("the mini split in the living room just blinks and won't cool");
        assert_eq!((t.trade, t.priority), (Trade::Hvac, Priority::Urgent));
        assert_eq!(
            run("AC runs but only blows warm air").priority,
            Priority::Urgent
        );
    }

    #[test]
    fn fire_without_an_electrical_sign_goes_to_the_device_named_or_general_repair() {
        assert_eq!(
            run("FIRE in the trash room, fire dept is here").trade,
            Trade::General
        );
        let fridge = run("my fridge made a pop and there is smoke coming out the back");
        assert_eq!(fridge.emergency, Some(EmergencyKind::FireOrSparks));
        assert_eq!(fridge.trade, Trade::Appliance);
        assert_emergency(
            EmergencyKind::FireOrSparks,
            &["the light in the kitchen ceiling is melting around the bulb"],
        );
    }

    #[test]
    fn water_everywhere_with_sewage_is_a_sewage_backup() {
        assert_emergency(
            EmergencyKind::Sewage,
            &[
                "sewage coming up in the bathtub, it's disgusting, brown water everywhere",
                "Basement floor drain is backing up with sewer water",
                "se desbordó el excusado con caca",
            ],
        );
    }

    #[test]
    fn water_that_reaches_electrics_or_keeps_coming_is_flooding_and_plumbing() {
        assert_emergency(
            EmergencyKind::Flooding,
            &[
                "water dripping out of the light fixture in the bathroom ceiling",
                "upstairs neighbors tub overflowed and its raining in my kitchen",
                "Water is leaking from the unit above into my kitchen, it's not stopping",
                "My laundry room is under water",
                "the hot water tank is leaking a ton",
            ],
        );
        assert_eq!(
            run("water dripping out of the light fixture in the bathroom").trade,
            Trade::Plumbing
        );
        assert_no_emergency(&[
            "water bill keeps rising",
            "freezer defrosting, water all over the bottom of the fridge",
        ]);
    }

    #[test]
    fn no_heat_of_an_appliance_is_not_the_homes_heating() {
        let t = in_winter("dryer runs but there's no heat, clothes come out wet");
        assert_eq!(t.emergency, None, "{t:#?}");
        assert_eq!(t.trade, Trade::Appliance);
        assert_emergency(
            EmergencyKind::NoHeat,
            &[
                "no heat, so we use the oven to stay warm",
                "el calentón no sirve y estamos congelándonos",
                "my unit is like 50 degrees",
                "no sirve la calefacción, hace frío adentro",
            ],
        );
    }

    #[test]
    fn a_calentador_with_cold_water_is_the_water_heater() {
        let t = run("el calentador no prende, solo sale agua fría");
        assert_eq!((t.trade, t.priority), (Trade::Plumbing, Priority::Urgent));
    }

    #[test]
    fn a_co_alarm_that_says_low_battery_is_a_chirp_unless_people_feel_ill() {
        let chirp = in_winter("CO alarm beeping, low battery");
        assert_eq!(chirp.emergency, None, "{chirp:#?}");
        assert_eq!(chirp.priority, Priority::Urgent);
        assert_emergency(
            EmergencyKind::CarbonMonoxide,
            &[
                "CO alarm going off, low battery maybe? everyone has a headache",
                "monoxide alarm!!! we are outside now",
                "sonó la alarma de monóxido y nos salimos",
            ],
        );
    }

    #[test]
    fn people_stuck_outside_are_locked_out_a_cat_is_not() {
        assert_emergency(
            EmergencyKind::Lockout,
            &[
                "lost my keys and I'm stuck outside with my kid",
                "the door shut behind me with the keys inside",
                "battery on the smart lock died, can't get in my own door",
            ],
        );
        assert_no_emergency(&["the cat is stuck outside on the balcony"]);
    }

    #[test]
    fn a_car_broken_into_is_not_the_home() {
        assert_no_emergency(&[
            "my car got broken into and they took my apartment keys",
            "car window smashed in the parking lot",
        ]);
        assert_eq!(
            run("my car got broken into and they took my apartment keys").trade,
            Trade::Locksmith
        );
        assert_emergency(
            EmergencyKind::SecurityBreach,
            &[
                "kids threw a rock through my window, it's shattered",
                "deadbolt fell apart, door can't be locked at all",
                "alguien forzó la cerradura de mi puerta",
            ],
        );
    }

    #[test]
    fn a_small_leak_that_soaks_something_is_urgent_and_an_appliance_leak_routine() {
        assert_eq!(
            run("slow drip under the bathroom sink and the cabinet is getting soaked").priority,
            Priority::Urgent
        );
        assert_eq!(
            run("dishwasher leaks water onto the floor every time I run it").priority,
            Priority::Routine
        );
        assert_eq!(
            run("the pipe behind the washing machine is dripping on the floor").priority,
            Priority::Urgent
        );
    }

    #[test]
    fn words_said_to_be_absent_name_no_trade_and_strong_words_win() {
        assert_eq!(
            run("ceiling has a crack running across it, no water").trade,
            Trade::General
        );
        assert_eq!(
            run("hole in the drywall from the doorknob").trade,
            Trade::General
        );
        assert_eq!(run("doorbell doesn't ring").trade, Trade::Electrical);
        assert_eq!(run("downspout fell off").trade, Trade::Roofing);
        assert_eq!(
            run("water drips from the attic hatch whenever it rains").trade,
            Trade::Roofing
        );
    }
}
