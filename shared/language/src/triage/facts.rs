//! The facts triage can learn from a description, the tips and safety questions it returns, and
//! what each fact means (`rules/facts.yaml`).

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::data::{self, DataError};
use crate::types::{EmergencyKind, Priority, Trade};

/// One thing a phrase can tell us about the home.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Fact {
    Gas,
    CarbonMonoxide,
    Flooding,
    FireOrSparks,
    Fire,
    Sewage,
    NoHeat,
    Lockout,
    SecurityBreach,
    PersonTrapped,
    CoChirp,
    SmokeAlarm,
    PilotOut,
    WindowBroken,
    DoorInsecure,
    WindowBreach,
    WaterOnElectric,
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
    EntryUnclear,
    WindowUnclear,
    TapStuck,
    ElevatorStuck,
    DrainBackup,
    OddSmell,
    ElevatorOut,
    CeilingFell,
    RailingDown,
    HeatPartial,
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
    ApplianceLeak,
    WindowFault,
    LockFault,
}

impl Fact {
    pub const ALL: [Fact; 59] = [
        Fact::Gas,
        Fact::CarbonMonoxide,
        Fact::Flooding,
        Fact::FireOrSparks,
        Fact::Fire,
        Fact::Sewage,
        Fact::NoHeat,
        Fact::Lockout,
        Fact::SecurityBreach,
        Fact::PersonTrapped,
        Fact::CoChirp,
        Fact::SmokeAlarm,
        Fact::PilotOut,
        Fact::WindowBroken,
        Fact::DoorInsecure,
        Fact::WindowBreach,
        Fact::WaterOnElectric,
        Fact::StoppedFlood,
        Fact::NoHotWater,
        Fact::NoCooling,
        Fact::FridgeWarm,
        Fact::ToiletClogged,
        Fact::NoPower,
        Fact::BreakerTrips,
        Fact::HotOutlet,
        Fact::NoWater,
        Fact::FrozenPipes,
        Fact::LostKeys,
        Fact::Leak,
        Fact::ContainedLeak,
        Fact::RoofLeak,
        Fact::DetectorChirp,
        Fact::DetectorFault,
        Fact::EntryUnclear,
        Fact::WindowUnclear,
        Fact::TapStuck,
        Fact::ElevatorStuck,
        Fact::DrainBackup,
        Fact::OddSmell,
        Fact::ElevatorOut,
        Fact::CeilingFell,
        Fact::RailingDown,
        Fact::HeatPartial,
        Fact::SpareToiletClogged,
        Fact::MinorLeak,
        Fact::FaucetDrip,
        Fact::RunningToilet,
        Fact::SlowDrain,
        Fact::Disposal,
        Fact::DeadOutlet,
        Fact::LightOut,
        Fact::Pests,
        Fact::Thermostat,
        Fact::SewerSmell,
        Fact::Mold,
        Fact::ApplianceFault,
        Fact::ApplianceLeak,
        Fact::WindowFault,
        Fact::LockFault,
    ];
}

/// A safe troubleshooting tip. Its text is the message catalogue's `tip.<name>`, in the
/// tenant's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Tip {
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
    pub const ALL: [Tip; 25] = [
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

    /// The message catalogue key of the tip's text: `tip.breaker`, `tip.shut_off`…
    pub fn key(self) -> &'static str {
        match self {
            Tip::Breaker => "tip.breaker",
            Tip::BreakerOverload => "tip.breaker_overload",
            Tip::Gfci => "tip.gfci",
            Tip::Disposal => "tip.disposal",
            Tip::Pilot => "tip.pilot",
            Tip::Thermostat => "tip.thermostat",
            Tip::Filter => "tip.filter",
            Tip::ToiletPlunger => "tip.toilet_plunger",
            Tip::DrainPlunger => "tip.drain_plunger",
            Tip::FridgeSettings => "tip.fridge_settings",
            Tip::FridgeDoors => "tip.fridge_doors",
            Tip::Flapper => "tip.flapper",
            Tip::ShutOff => "tip.shut_off",
            Tip::Bucket => "tip.bucket",
            Tip::DetectorBattery => "tip.detector_battery",
            Tip::DetectorDust => "tip.detector_dust",
            Tip::SpareKey => "tip.spare_key",
            Tip::Pests => "tip.pests",
            Tip::FrozenPipes => "tip.frozen_pipes",
            Tip::HotOutlet => "tip.hot_outlet",
            Tip::Bulb => "tip.bulb",
            Tip::Appliance => "tip.appliance",
            Tip::TrapRefill => "tip.trap_refill",
            Tip::Ventilate => "tip.ventilate",
            Tip::NeighborsWater => "tip.neighbors_water",
        }
    }
}

/// The one yes/no question that settles a danger the words leave open. Asked of the tenant at
/// once; YES makes the request the emergency [`SafetyQuestion::emergency_if_yes`] names.
/// Its text is the message catalogue's [`SafetyQuestion::key`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SafetyQuestion {
    /// Water near a light, an outlet, a switch or the panel: is it touching them?
    WaterNearElectricity,
    /// An odd smell with no source named: is it gas or rotten eggs?
    GasSmell,
    /// An odd smell at an outlet, a switch or the panel: is something burning?
    BurningSmell,
    /// No heat outside the heating months and no temperature given: is it cold inside?
    IndoorCold,
    /// A door or window that won't lock or close, or broken glass: can someone get in?
    EntryUnsecured,
    /// A stuck elevator: is anyone inside?
    PersonTrapped,
    /// Water the rules did not read as a flood, though the words sound like one (the model's
    /// second opinion): is it pouring or spreading, past what the tenant can stop?
    WaterSpreading,
    /// Carbon monoxide in the words but not as the rules read it (the model's second opinion):
    /// is a CO alarm sounding, or is anyone dizzy, sick or with a headache?
    CoSymptoms,
    /// A toilet or drain backing up or overflowing now, or water coming up out of a drain,
    /// without saying what the water is: is it sewage?
    SewageBackup,
}

impl SafetyQuestion {
    pub const ALL: [SafetyQuestion; 9] = [
        SafetyQuestion::WaterNearElectricity,
        SafetyQuestion::GasSmell,
        SafetyQuestion::BurningSmell,
        SafetyQuestion::IndoorCold,
        SafetyQuestion::EntryUnsecured,
        SafetyQuestion::PersonTrapped,
        SafetyQuestion::WaterSpreading,
        SafetyQuestion::CoSymptoms,
        SafetyQuestion::SewageBackup,
    ];

    /// The emergency a YES makes it.
    pub fn emergency_if_yes(self) -> EmergencyKind {
        match self {
            SafetyQuestion::WaterNearElectricity => EmergencyKind::Flooding,
            SafetyQuestion::GasSmell => EmergencyKind::Gas,
            SafetyQuestion::BurningSmell => EmergencyKind::FireOrSparks,
            SafetyQuestion::IndoorCold => EmergencyKind::NoHeat,
            SafetyQuestion::EntryUnsecured => EmergencyKind::SecurityBreach,
            SafetyQuestion::PersonTrapped => EmergencyKind::PersonTrapped,
            SafetyQuestion::WaterSpreading => EmergencyKind::Flooding,
            SafetyQuestion::CoSymptoms => EmergencyKind::CarbonMonoxide,
            SafetyQuestion::SewageBackup => EmergencyKind::Sewage,
        }
    }

    /// The message catalogue key of the question's text.
    pub fn key(self) -> &'static str {
        match self {
            SafetyQuestion::WaterNearElectricity => "question.water_near_electricity",
            SafetyQuestion::GasSmell => "question.gas_smell",
            SafetyQuestion::BurningSmell => "question.burning_smell",
            SafetyQuestion::IndoorCold => "question.indoor_cold",
            SafetyQuestion::EntryUnsecured => "question.entry_unsecured",
            SafetyQuestion::PersonTrapped => "question.person_trapped",
            SafetyQuestion::WaterSpreading => "question.water_spreading",
            SafetyQuestion::CoSymptoms => "question.co_symptoms",
            SafetyQuestion::SewageBackup => "question.sewage_backup",
        }
    }

    /// The data sets' spelling (`water_electric`, `gas_smell`…).
    pub fn label(self) -> &'static str {
        match self {
            SafetyQuestion::WaterNearElectricity => "water_electric",
            SafetyQuestion::GasSmell => "gas_smell",
            SafetyQuestion::BurningSmell => "burning_smell",
            SafetyQuestion::IndoorCold => "cold_inside",
            SafetyQuestion::EntryUnsecured => "entry_unsecured",
            SafetyQuestion::PersonTrapped => "person_trapped",
            SafetyQuestion::WaterSpreading => "water_spreading",
            SafetyQuestion::CoSymptoms => "co_symptoms",
            SafetyQuestion::SewageBackup => "sewage_backup",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Level {
    Urgent,
    Routine,
}

/// What a fact means.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FactInfo {
    #[serde(default)]
    pub emergency: Option<EmergencyKind>,
    #[serde(default)]
    priority: Option<Level>,
    pub trade: Trade,
    #[serde(default)]
    label: Option<String>,
    #[serde(default)]
    pub tips: Vec<Tip>,
    #[serde(default)]
    pub water: bool,
    #[serde(default)]
    pub stops: bool,
    #[serde(default)]
    pub cold_only: bool,
    /// Whatever words surround it, this fact goes to its trade (gas to plumbing, CO to hvac).
    #[serde(default)]
    pub fixed_trade: bool,
    /// The danger whose words this fact reads as something less (an inside door that won't
    /// lock, a chirping detector, a sewer smell): when it is said, the rules have read that
    /// danger, and the model's second opinion on it is not heard.
    #[serde(default)]
    pub settles: Option<EmergencyKind>,
}

impl FactInfo {
    /// How urgent the fact is when it is not (or not today) an emergency.
    pub fn level(&self) -> Priority {
        match self.priority {
            Some(Level::Routine) => Priority::Routine,
            _ => Priority::Urgent,
        }
    }

    /// Short words for the reasons staff read ("plumbing is the usual trade for …").
    pub fn label(&self) -> &str {
        match (&self.label, self.emergency) {
            (Some(l), _) => l,
            (None, Some(kind)) => kind.label(),
            (None, None) => "this problem",
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FactsFile {
    facts: HashMap<Fact, FactInfo>,
    emergency_rank: Vec<EmergencyKind>,
    tip_words: HashMap<Tip, String>,
}

/// The meaning of every fact.
pub struct Facts {
    info: HashMap<Fact, FactInfo>,
    pub emergency_rank: Vec<EmergencyKind>,
    pub tip_words: Vec<(Tip, String)>,
}

const FILE: &str = "rules/facts.yaml";

impl Facts {
    pub fn load(text: &str) -> Result<Facts, DataError> {
        let file: FactsFile = data::parse(FILE, text)?;
        let mut tip_words: Vec<(Tip, String)> = file.tip_words.into_iter().collect();
        tip_words.sort_by_key(|(t, _)| Tip::ALL.iter().position(|a| a == t));
        let facts = Facts {
            info: file.facts,
            emergency_rank: file.emergency_rank,
            tip_words,
        };
        for kind in EmergencyKind::ALL {
            if !facts.emergency_rank.contains(&kind) {
                return Err(DataError::invalid(FILE, format!("{kind:?} has no rank")));
            }
        }
        Ok(facts)
    }

    /// What `fact` means. Every fact has an entry (a test checks it); a missing one reads as a
    /// general, urgent problem rather than being lost.
    pub fn of(&self, fact: Fact) -> &FactInfo {
        static FALLBACK: FactInfo = FactInfo {
            emergency: None,
            priority: None,
            trade: Trade::General,
            label: None,
            tips: Vec::new(),
            water: false,
            stops: false,
            cold_only: false,
            fixed_trade: false,
            settles: None,
        };
        self.info.get(&fact).unwrap_or(&FALLBACK)
    }

    pub fn has(&self, fact: Fact) -> bool {
        self.info.contains_key(&fact)
    }

    /// The rank of an emergency kind, most dangerous first.
    pub fn rank(&self, kind: EmergencyKind) -> usize {
        self.emergency_rank
            .iter()
            .position(|k| *k == kind)
            .unwrap_or(usize::MAX)
    }
}
