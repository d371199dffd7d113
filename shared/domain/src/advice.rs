//! Words people read about their safety, in English and Spanish: what to do now in each kind of
//! emergency (`safety.<kind>`), the troubleshooting tips triage picks (`tip.<tip>`), and the
//! yes/no safety questions that settle an open danger (`question.<question>`). Keyed by the typed
//! values the language engine returns, never by their English text; part of the message
//! catalogue (`messages.rs` looks keys up here too), so a portfolio may override any of them.
//!
//! Invariants (tested): every key has both languages; safety instructions are one short paragraph
//! under 320 characters, so they fit an SMS pair and the top of the confirmation page; questions
//! fit one SMS once Spanish accents are folded and end by saying how to answer.

use crate::types::{EmergencyKind, Language};
use mendwork_language::triage::{SafetyQuestion, Tip};

/// (key, English text).
const ADVICE: &[(&str, &str)] = &[
    (
        "safety.gas",
        "Leave now and keep everyone out. Don't switch lights or appliances on or off, don't use lighters, matches or phones inside. Once outside and away from the building, call the gas company's emergency line or 911. Don't go back in until they say it is safe.",
    ),
    (
        "safety.carbon_monoxide",
        "Get everyone, pets included, outside into fresh air now and call 911 from outside. Don't go back in or look for the source. Tell the dispatcher if anyone has a headache, dizziness or nausea.",
    ),
    (
        "safety.flooding",
        "Shut off the water now: turn the valve under the sink or behind the toilet clockwise, or close the main shut-off. Stay away from outlets and cords near water; switch off the breaker for wet areas only if you can reach it without standing in water.",
    ),
    (
        "safety.fire_or_sparks",
        "If there is fire or heavy smoke, leave now and call 911 from outside. If it's only sparks or a burning smell and you can reach the panel safely, switch that circuit's breaker off. Don't touch the outlet, and never use water on an electrical fire.",
    ),
    (
        "safety.sewage",
        "Stop using water now: no flushing, showers, sinks, dishwasher or laundry, or the sewage will back up further. Keep children and pets away, don't touch it without gloves, and open windows for air.",
    ),
    (
        "safety.no_heat",
        "Keep warm safely: close windows, wear layers and stay in one room. Never heat with an oven, stove or grill (carbon monoxide). Use a space heater only 3 feet from anything that burns, never while asleep. Open cabinet doors under sinks so pipes don't freeze.",
    ),
    (
        "safety.lockout",
        "Wait somewhere safe and warm. Don't force the door or climb through a window. If a child, a pet or a running stove is inside, call 911 now. Have an ID showing this address ready for the locksmith.",
    ),
    (
        "safety.security_breach",
        "If someone may still be inside, don't go in: get somewhere safe and call 911. Otherwise stay clear of broken glass, and if you can, brace the door with a chair under the handle until it is repaired.",
    ),
    (
        "safety.person_trapped",
        "If the person is hurt, unwell, very young or in danger (smoke, heat, water), call 911 now. Keep talking to them and tell them help is on the way. In an elevator, press its alarm button and stay inside; never pry the doors or climb out.",
    ),
    (
        "tip.breaker",
        "Check the electrical panel for a tripped breaker (one sitting in the middle or off): push it fully off, then on. If it trips again, leave it off.",
    ),
    (
        "tip.breaker_overload",
        "Unplug space heaters, hair dryers and other high-power devices on that circuit before resetting the breaker. If it trips with nothing plugged in, leave it off.",
    ),
    (
        "tip.gfci",
        "Press RESET on any GFCI outlet (the kind with TEST and RESET buttons) in the kitchen, bathrooms, garage or outside: one GFCI can cut power to several outlets.",
    ),
    (
        "tip.disposal",
        "With the disposal switched off, turn the hex key (1/4 in.) in the socket under the unit back and forth to free it, then press the red reset button underneath. Never reach inside.",
    ),
    (
        "tip.pilot",
        "If there is no gas smell, check whether the pilot light is out and relight it only by following the label on the unit. If you smell gas at any point, stop and leave.",
    ),
    (
        "tip.thermostat",
        "Check the thermostat: set it to HEAT (or COOL), a few degrees past the room temperature, and replace its batteries if the screen is blank.",
    ),
    (
        "tip.filter",
        "Replace the HVAC air filter if it looks gray or clogged: a blocked filter can make the system shut off or blow weak air.",
    ),
    (
        "tip.toilet_plunger",
        "Use a flange plunger with slow, firm strokes, and don't flush again until the bowl drains. Avoid chemical drain cleaners.",
    ),
    (
        "tip.drain_plunger",
        "Try a cup plunger over the drain (cover the overflow hole with a wet cloth) or pull hair out of the stopper. Avoid chemical drain cleaners.",
    ),
    (
        "tip.fridge_settings",
        "Set the fridge dial to the middle (about 37 F / 3 C), keep the vents inside clear of food, and check that the coils underneath or behind aren't caked with dust.",
    ),
    (
        "tip.fridge_doors",
        "Keep the doors shut as much as possible: a closed fridge stays cold for about 4 hours and a full freezer for about a day.",
    ),
    (
        "tip.flapper",
        "Lift the tank lid and check the flapper: if its chain is caught or too tight, free it so the flapper seals. Jiggling the handle often stops the running.",
    ),
    (
        "tip.shut_off",
        "Close the shut-off valve under the sink or behind the toilet (turn it clockwise) to stop the water until the repair.",
    ),
    (
        "tip.bucket",
        "Keep a bucket or towels under the drip and move electronics and furniture out of the way.",
    ),
    (
        "tip.detector_battery",
        "A short chirp every minute or so means a low battery: replace it and press TEST. A loud, continuous alarm is real: leave and call 911.",
    ),
    (
        "tip.detector_dust",
        "Steam and cooking smoke can set off a smoke alarm: gently vacuum its vents and press TEST, but never remove or disconnect it.",
    ),
    (
        "tip.spare_key",
        "While you wait, check whether someone in your household or a trusted neighbor has a spare key.",
    ),
    (
        "tip.pests",
        "Keep food in sealed containers, take the trash out daily and wipe up crumbs and standing water. Don't spray pesticides before the exterminator comes.",
    ),
    (
        "tip.frozen_pipes",
        "Open the faucet slightly and open the cabinet doors under sinks so warm air reaches the pipes. Never thaw a pipe with an open flame.",
    ),
    (
        "tip.hot_outlet",
        "Stop using that outlet or switch: unplug what is connected to it, and switch its breaker off if it stays warm.",
    ),
    (
        "tip.bulb",
        "Try a new bulb of the right wattage first, then check the wall switch and the breaker.",
    ),
    (
        "tip.appliance",
        "Check that the appliance is plugged in and that its breaker or GFCI outlet hasn't tripped.",
    ),
    (
        "tip.trap_refill",
        "Run water for a minute in sinks, tubs and floor drains that are rarely used: a dry drain trap lets sewer gas in.",
    ),
    (
        "tip.ventilate",
        "Run the bathroom fan or open a window during and after showers, and wipe small spots with soapy water. Never mix bleach with other cleaners.",
    ),
    (
        "tip.neighbors_water",
        "Ask a neighbor whether their water is out too: if so, it is likely a water utility outage.",
    ),
    (
        "question.water_near_electricity",
        "#{code} safety check: is water touching a light, an outlet, a switch or wiring right now? Reply YES or NO.",
    ),
    (
        "question.gas_smell",
        "#{code} safety check: does it smell like gas or rotten eggs? Reply YES or NO.",
    ),
    (
        "question.burning_smell",
        "#{code} safety check: do you see smoke or smell something burning or melting? Reply YES or NO.",
    ),
    (
        "question.indoor_cold",
        "#{code} safety check: is it colder than 62F (17C) inside your home right now? Reply YES or NO.",
    ),
    (
        "question.entry_unsecured",
        "#{code} safety check: does it leave your home open, so someone could get in from outside? Reply YES or NO.",
    ),
    (
        "question.person_trapped",
        "#{code} safety check: is anyone stuck inside the elevator right now? Reply YES or NO.",
    ),
];

/// (key, Spanish text), the same keys.
const ADVICE_ES: &[(&str, &str)] = &[
    (
        "safety.gas",
        "Salga ahora y no deje entrar a nadie. No encienda ni apague luces ni aparatos, no use encendedores, cerillos ni teléfonos adentro. Ya afuera y lejos del edificio, llame a la línea de emergencias de la compañía de gas o al 911. No regrese hasta que le digan que es seguro.",
    ),
    (
        "safety.carbon_monoxide",
        "Saque a todos, mascotas incluidas, al aire libre ahora y llame al 911 desde afuera. No regrese ni busque el origen. Diga a la operadora si alguien tiene dolor de cabeza, mareo o náuseas.",
    ),
    (
        "safety.flooding",
        "Cierre el agua ahora: gire a la derecha la llave bajo el lavabo o detrás del inodoro, o cierre la llave general. Aléjese de enchufes y cables cerca del agua; apague el interruptor de las zonas mojadas solo si llega sin pisar agua.",
    ),
    (
        "safety.fire_or_sparks",
        "Si hay fuego o mucho humo, salga ahora y llame al 911 desde afuera. Si solo hay chispas u olor a quemado y puede llegar al panel sin peligro, apague el interruptor de ese circuito. No toque el enchufe y nunca use agua en un fuego eléctrico.",
    ),
    (
        "safety.sewage",
        "Deje de usar el agua ahora: no descargue el inodoro ni use duchas, lavabos, lavaplatos o lavadora. Mantenga alejados a niños y mascotas, no lo toque sin guantes y abra las ventanas.",
    ),
    (
        "safety.no_heat",
        "Manténgase abrigado sin riesgos: cierre ventanas, use capas de ropa y quédese en una habitación. Nunca se caliente con el horno, la estufa ni parrillas (monóxido de carbono). Calentador eléctrico solo a 1 metro de lo que arda, nunca al dormir. Abra los gabinetes bajo los lavabos para que no se congelen las tuberías.",
    ),
    (
        "safety.lockout",
        "Quédese en un lugar seguro y cálido. No fuerce la puerta ni entre por una ventana. Si adentro hay un niño, una mascota o una estufa encendida, llame al 911 ahora. Tenga a mano una identificación con esta dirección para el cerrajero.",
    ),
    (
        "safety.security_breach",
        "Si alguien podría seguir adentro, no entre: vaya a un lugar seguro y llame al 911. Si no, aléjese de los vidrios rotos y, si puede, trabe la puerta con una silla bajo la manija hasta que la reparen.",
    ),
    (
        "safety.person_trapped",
        "Si la persona está herida, se siente mal, es muy pequeña o corre peligro (humo, calor, agua), llame al 911 ahora. Háblele y dígale que la ayuda va en camino. En un ascensor, presione el botón de alarma y quédese adentro; nunca fuerce las puertas.",
    ),
    (
        "tip.breaker",
        "Revise el panel eléctrico por si hay un interruptor disparado (uno en medio o apagado): apáguelo del todo y vuelva a encenderlo. Si se vuelve a disparar, déjelo apagado.",
    ),
    (
        "tip.breaker_overload",
        "Desconecte calentadores, secadores de pelo y otros aparatos potentes de ese circuito antes de reiniciar el interruptor. Si se dispara sin nada conectado, déjelo apagado.",
    ),
    (
        "tip.gfci",
        "Pulse RESET en los enchufes GFCI (los que tienen botones TEST y RESET) de la cocina, los baños, el garaje o afuera: un GFCI puede cortar varios enchufes.",
    ),
    (
        "tip.disposal",
        "Con el triturador apagado, gire la llave hexagonal (1/4 pulg.) en el orificio de abajo en ambos sentidos para liberarlo y pulse el botón rojo de reinicio. Nunca meta la mano.",
    ),
    (
        "tip.pilot",
        "Si no huele a gas, vea si el piloto está apagado y enciéndalo solo siguiendo la etiqueta del aparato. Si en algún momento huele a gas, pare y salga.",
    ),
    (
        "tip.thermostat",
        "Revise el termostato: póngalo en HEAT (o COOL), unos grados más allá de la temperatura del cuarto, y cambie las pilas si la pantalla está en blanco.",
    ),
    (
        "tip.filter",
        "Cambie el filtro de aire de la calefacción si se ve gris o tapado: un filtro bloqueado puede apagar el sistema o dejarlo soplando poco aire.",
    ),
    (
        "tip.toilet_plunger",
        "Use un destapacaños de campana con movimientos lentos y firmes, y no vuelva a descargar hasta que baje el agua. Evite los destapadores químicos.",
    ),
    (
        "tip.drain_plunger",
        "Pruebe un destapacaños sobre el desagüe (tape el rebosadero con un trapo mojado) o saque el pelo del tapón. Evite los destapadores químicos.",
    ),
    (
        "tip.fridge_settings",
        "Ponga el control del refrigerador en el medio (unos 37 F / 3 C), deje libres las rejillas de adentro y revise que las bobinas de abajo o de atrás no estén llenas de polvo.",
    ),
    (
        "tip.fridge_doors",
        "Abra las puertas lo menos posible: un refrigerador cerrado se mantiene frío unas 4 horas y un congelador lleno, alrededor de un día.",
    ),
    (
        "tip.flapper",
        "Levante la tapa del tanque y revise la válvula de descarga: si la cadena está enredada o muy tensa, suéltela para que selle. Mover la manija suele detener el agua.",
    ),
    (
        "tip.shut_off",
        "Cierre la llave de paso bajo el lavabo o detrás del inodoro (girándola a la derecha) para cortar el agua hasta la reparación.",
    ),
    (
        "tip.bucket",
        "Ponga una cubeta o toallas bajo la gotera y aleje los aparatos electrónicos y los muebles.",
    ),
    (
        "tip.detector_battery",
        "Un pitido corto cada minuto más o menos indica pila baja: cámbiela y pulse TEST. Una alarma fuerte y continua es real: salga y llame al 911.",
    ),
    (
        "tip.detector_dust",
        "El vapor y el humo de cocinar pueden activar la alarma de humo: aspire con cuidado sus rejillas y pulse TEST, pero nunca la quite ni la desconecte.",
    ),
    (
        "tip.spare_key",
        "Mientras espera, pregunte si alguien de su hogar o un vecino de confianza tiene una llave de repuesto.",
    ),
    (
        "tip.pests",
        "Guarde la comida en recipientes cerrados, saque la basura a diario y limpie migas y agua estancada. No rocíe insecticidas antes de que venga el fumigador.",
    ),
    (
        "tip.frozen_pipes",
        "Abra un poco la llave del agua y las puertas de los gabinetes bajo los lavabos para que el aire tibio llegue a las tuberías. Nunca descongele una tubería con fuego.",
    ),
    (
        "tip.hot_outlet",
        "Deje de usar ese enchufe o interruptor: desconecte lo que tenga enchufado y apague su interruptor en el panel si sigue caliente.",
    ),
    (
        "tip.bulb",
        "Pruebe primero un foco nuevo de la potencia correcta; luego revise el apagador y el interruptor del panel.",
    ),
    (
        "tip.appliance",
        "Revise que el aparato esté enchufado y que su interruptor o enchufe GFCI no se haya disparado.",
    ),
    (
        "tip.trap_refill",
        "Deje correr el agua un minuto en lavabos, tinas y desagües del piso que casi no se usan: un sifón seco deja entrar el olor del drenaje.",
    ),
    (
        "tip.ventilate",
        "Encienda el extractor del baño o abra una ventana durante y después de bañarse, y limpie las manchas pequeñas con agua y jabón. Nunca mezcle cloro con otros limpiadores.",
    ),
    (
        "tip.neighbors_water",
        "Pregunte a un vecino si también se quedó sin agua: si es así, probablemente es un corte del servicio de agua.",
    ),
    (
        "question.water_near_electricity",
        "#{code} pregunta de seguridad: ¿el agua está tocando una luz, un enchufe, un apagador o cables ahora mismo? Responda SI o NO.",
    ),
    (
        "question.gas_smell",
        "#{code} pregunta de seguridad: ¿huele a gas o a huevo podrido? Responda SI o NO.",
    ),
    (
        "question.burning_smell",
        "#{code} pregunta de seguridad: ¿ve humo o huele a algo quemado o derretido? Responda SI o NO.",
    ),
    (
        "question.indoor_cold",
        "#{code} pregunta de seguridad: ¿hace menos de 62F (17C) dentro de su casa ahora mismo? Responda SI o NO.",
    ),
    (
        "question.entry_unsecured",
        "#{code} pregunta de seguridad: ¿deja su casa abierta, de modo que alguien podría entrar desde afuera? Responda SI o NO.",
    ),
    (
        "question.person_trapped",
        "#{code} pregunta de seguridad: ¿hay alguien atrapado dentro del elevador ahora mismo? Responda SI o NO.",
    ),
];

/// The catalogue key of the safety instructions for `kind`.
pub fn safety_key(kind: EmergencyKind) -> &'static str {
    match kind {
        EmergencyKind::Gas => "safety.gas",
        EmergencyKind::CarbonMonoxide => "safety.carbon_monoxide",
        EmergencyKind::Flooding => "safety.flooding",
        EmergencyKind::FireOrSparks => "safety.fire_or_sparks",
        EmergencyKind::Sewage => "safety.sewage",
        EmergencyKind::NoHeat => "safety.no_heat",
        EmergencyKind::Lockout => "safety.lockout",
        EmergencyKind::SecurityBreach => "safety.security_breach",
        EmergencyKind::PersonTrapped => "safety.person_trapped",
    }
}

/// The default text of an advice key in `lang` (a key missing in Spanish reads in English).
pub fn text(key: &str, lang: Language) -> Option<&'static str> {
    let find = |table: &[(&'static str, &'static str)]| {
        table.iter().find(|(k, _)| *k == key).map(|(_, t)| *t)
    };
    match lang {
        Language::Es => find(ADVICE_ES).or_else(|| find(ADVICE)),
        Language::En => find(ADVICE),
    }
}

/// Whether `key` is an advice key (with an English text).
pub fn is_key(key: &str) -> bool {
    ADVICE.iter().any(|(k, _)| *k == key)
}

/// Every advice key.
pub fn keys() -> impl Iterator<Item = &'static str> {
    ADVICE.iter().map(|(k, _)| *k)
}

/// Whether `key` has a Spanish text.
pub fn is_spanish_key(key: &str) -> bool {
    ADVICE_ES.iter().any(|(k, _)| *k == key)
}

/// What the tenant must do right now for `kind`, in `lang`.
pub fn safety_instructions(kind: EmergencyKind, lang: Language) -> &'static str {
    text(safety_key(kind), lang).unwrap_or_default()
}

/// A tip's text in `lang`.
pub fn tip(tip: Tip, lang: Language) -> &'static str {
    text(tip.key(), lang).unwrap_or_default()
}

/// A safety question's text in `lang` (with a `{code}` placeholder for the request).
pub fn question(q: SafetyQuestion, lang: Language) -> &'static str {
    text(q.key(), lang).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_tip_question_and_kind_has_its_text_in_both_languages() {
        let mut keys: Vec<&str> = Tip::ALL.iter().map(|t| t.key()).collect();
        keys.extend(SafetyQuestion::ALL.iter().map(|q| q.key()));
        keys.extend(EmergencyKind::ALL.iter().map(|k| safety_key(*k)));
        for key in &keys {
            assert!(is_key(key), "{key} has no English text");
            assert!(is_spanish_key(key), "{key} has no Spanish text");
        }
        assert_eq!(ADVICE.len(), keys.len(), "a text no typed value uses");
        assert_eq!(ADVICE_ES.len(), keys.len());
    }

    #[test]
    fn safety_instructions_are_short_and_the_spanish_lockout_keeps_the_911_rule() {
        for kind in EmergencyKind::ALL {
            for lang in [Language::En, Language::Es] {
                let s = safety_instructions(kind, lang);
                assert!(
                    !s.is_empty() && s.chars().count() < 320,
                    "{kind:?} {lang:?}: {s}"
                );
            }
        }
        assert!(safety_instructions(EmergencyKind::Lockout, Language::Es).contains("911"));
        assert!(safety_instructions(EmergencyKind::Lockout, Language::En).contains("911"));
    }

    #[test]
    fn every_question_fits_one_sms_and_says_how_to_answer() {
        for q in SafetyQuestion::ALL {
            let en = question(q, Language::En);
            assert!(
                en.contains("Reply YES or NO") && en.contains("{code}"),
                "{en}"
            );
            let es = crate::messages::for_sms(question(q, Language::Es).to_string(), Language::Es);
            assert!(
                es.contains("Responda SI o NO") && es.contains("{code}"),
                "{es}"
            );
            for text in [en.to_string(), es] {
                let filled = text.replace("{code}", "KP27");
                assert_eq!(crate::segments::sms_segments(&filled), 1, "{filled}");
            }
        }
    }
}
