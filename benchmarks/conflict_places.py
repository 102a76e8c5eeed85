"""Where geomap puts the places conflict reporting names, one at a time, with no context.

Each name below (Ukraine and Russia, Israel and its neighbours, Syria, Iraq, Yemen, Sudan, the
Sahel, the Caucasus, Afghanistan and South Asia...) is put alone into a neutral sentence,
"Officials in <name> said the situation was tense.", and geoparsed with the default gazetteer.
A name counts as right when it is found and resolved to a place in the expected country: this
is the sense a reader of world news takes by default, which context can still change.

The list was written while looking for such errors, so it is a regression check for the
product's domain, not a held-out measure: the accuracy figures come from benchmarks/accuracy.py.

    python benchmarks/conflict_places.py
    python benchmarks/conflict_places.py --json
"""
from __future__ import annotations

import argparse
import json
import sys

from geomap.pipeline import default_geoparser

TEMPLATE = "Officials in {} said the situation was tense."

# name, ISO country where the place lies (the recognised state for disputed ones, as GeoNames has it)
PLACES = """
Kyiv UA|Kharkiv UA|Odesa UA|Lviv UA|Donetsk UA|Luhansk UA|Crimea UA|Kerch UA|Kherson UA|Mykolaiv UA
Bucha UA|Irpin UA|Izium UA|Lyman UA|Bakhmut UA|Avdiivka UA|Vuhledar UA|Toretsk UA|Kupiansk UA|Vovchansk UA
Sumy UA|Chernihiv UA|Melitopol UA|Berdiansk UA|Mariupol UA|Kramatorsk UA|Sloviansk UA|Horlivka UA
Makiivka UA|Yenakiieve UA|Debaltseve UA|Sievierodonetsk UA|Lysychansk UA|Rubizhne UA|Popasna UA|Soledar UA
Kostiantynivka UA|Druzhkivka UA|Pokrovsk UA|Marinka UA|Krasnohorivka UA|Kurakhove UA|Velyka Novosilka UA
Huliaipole UA|Orikhiv UA|Enerhodar UA|Nova Kakhovka UA|Kakhovka UA|Oleshky UA|Hola Prystan UA|Skadovsk UA
Henichesk UA|Dzhankoi UA|Yevpatoria UA|Feodosia UA|Simferopol UA|Ochakiv UA|Izmail UA|Reni UA|Vinnytsia UA
Zhytomyr UA|Uman UA|Kremenchuk UA|Poltava UA|Konotop UA|Shostka UA|Okhtyrka UA|Trostianets UA|Lozova UA
Balakliia UA|Chuhuiv UA|Saky UA|Chornomorske UA|Armyansk UA|Perekop UA|Khartsyzk UA|Snizhne UA|Ilovaisk UA
Chasiv Yar UA|Bilohorivka UA|Kreminna UA|Svatove UA|Starobilsk UA|Nikopol UA|Marhanets UA|Kryvyi Rih UA
Pavlohrad UA|Novomoskovsk UA
Belgorod RU|Kursk RU|Bryansk RU|Sudzha RU|Novorossiysk RU|Engels RU|Grozny RU|Valuyki RU|Shebekino RU
Graivoron RU|Rylsk RU|Lgov RU|Taganrog RU|Rostov-on-Don RU|Millerovo RU|Yeysk RU|Morozovsk RU|Olenya RU
Minsk BY|Chisinau MD|Tiraspol MD|Transnistria MD
Tbilisi GE|Tskhinvali GE|Sukhumi GE|Gori GE|Batumi GE|Yerevan AM|Kapan AM|Goris AM|Baku AZ|Stepanakert AZ
Shusha AZ|Ganja AZ|Agdam AZ|Fizuli AZ|Kelbajar AZ
Sarajevo BA|Srebrenica BA|Mostar BA|Kosovo XK|Pristina XK|Mitrovica XK|Vukovar HR
Jerusalem IL|Tel Aviv IL|Haifa IL|Eilat IL|Metula IL|Nahariya IL|Sderot IL|Ashkelon IL|Kiryat Shmona IL
Beersheba IL|Dimona IL|Netivot IL|Ofakim IL
Gaza PS|Rafah PS|Khan Younis PS|Jabalia PS|Beit Hanoun PS|Bethlehem PS|Nablus PS|Jenin PS|Hebron PS
Ramallah PS|Qalqilya PS|Tulkarm PS|Jericho PS
Beirut LB|Tyre LB|Sidon LB|Baalbek LB|Nabatieh LB|Marjayoun LB|Bint Jbeil LB|Zahle LB|Amman JO
Damascus SY|Aleppo SY|Idlib SY|Raqqa SY|Hama SY|Latakia SY|Palmyra SY|Kobani SY|Afrin SY|Deir ez-Zor SY
Ras al-Ain SY|Tal Abyad SY|Manbij SY|Qamishli SY|Hasakah SY|Daraa SY|Quneitra SY|Douma SY|Ghouta SY
Tartus SY|Khan Shaykhun SY|Jarablus SY|Azaz SY
Baghdad IQ|Mosul IQ|Fallujah IQ|Ramadi IQ|Tikrit IQ|Basra IQ|Kirkuk IQ|Erbil IQ|Sinjar IQ|Samarra IQ
Najaf IQ|Karbala IQ|Sulaymaniyah IQ|Duhok IQ|Tehran IR|Isfahan IR|Natanz IR
Sanaa YE|Aden YE|Marib YE|Taiz YE|Hodeidah YE|Saada YE|Mukalla YE|Hajjah YE|Ibb YE
Tripoli LY|Benghazi LY|Sirte LY|Misrata LY|Derna LY
Khartoum SD|Omdurman SD|El Fasher SD|Nyala SD|Juba SS|Mogadishu SO|Kismayo SO|Mekelle ET|Gondar ET
Goma CD|Bunia CD|Bukavu CD|Bamako ML|Timbuktu ML|Kidal ML|Niamey NE|Ouagadougou BF|Maiduguri NG
Dagestan RU|Ingushetia RU|North Ossetia RU|Tatarstan RU|Jisr al-Shughur SY|Maarrat al-Numan SY|al-Bukamal SY
Rojava SY|Tal Afar IQ|Qaim IQ|Salahuddin IQ|Shabwa YE|Hadramout YE|Lower Shabelle SO|Middle Shabelle SO
Puntland SO|Somaliland SO|Jubaland SO|Kfar Azza IL|Netiv HaAsara IL|Bekaa Valley LB|Suwalki Gap PL
Kinburn Spit UA|Nuba Mountains SD|Ambazonia CM|Casamance SN|Essequibo GY|Maputo MZ|Cabo Delgado MZ|Macomia MZ
Kabul AF|Kandahar AF|Herat AF|Kunduz AF|Jalalabad AF|Islamabad PK|Karachi PK|Lahore PK|Muzaffarabad PK
Srinagar IN|Dhaka BD|Yangon MM|Mandalay MM|Naypyidaw MM|Marawi PH|Cotabato PH|Jolo PH
Kashgar CN|Urumqi CN|Lhasa CN|Taipei TW|Kinmen TW|Pyongyang KP
Port-au-Prince HT|Caracas VE|Bogota CO|Culiacan MX|Tijuana MX|Juarez MX
Bender MD|Gao ML|Djibo BF|Tillaberi NE|Huwara PS|Tubas PS|Qalandiya PS|Korenevo RU|Klintsy RU|Toropets RU|Tuapse RU
Myrnohrad UA|Lyptsi UA|Starokostiantyniv UA|Chornomorsk UA|Ternopil UA|Khmelnytskyi UA|Rivne UA|Lutsk UA|Vasylivka UA
Tokmak UA|Nuseirat PS|Bureij PS|Deir al-Balah PS|Beit Lahia PS|Naqoura LB|Hermel LB|Safed IL|Zakho IQ|Baqubah IQ
Mokha YE|Bhamo MM|Sittwe MM|Myawaddy MM|Lashio MM|Myitkyina MM|Karen State MM|Kachin MM|Mae Sot TH|Ain al-Arab SY
Jableh SY|Baniyas SY|Sweida SY|Hakkari TR|Sirnak TR|Cucuta CO|Tibu CO|Batken KG|Vorukh TJ|Isfara TJ|Imphal IN
Churachandpur IN|Aizawl IN|Pahalgam IN|Poonch IN|Basilan PH|Pacaraima BR|Mandera KE|Garissa KE|Beled Hawo SO|Gimbi ET
El Obeid SD|Babanusa SD|Wad Madani SD|Bahawalpur PK|Muridke PK|Quetta PK|Gwadar PK|Turbat PK|Parachinar PK
Kaesong KP|Gagauzia MD|Abkhazia GE|South Ossetia GE|Grayvoron RU|Jufra LY|Tobruk LY
Dahiyeh LB|Cité Soleil HT|Azovstal UA|Yeonpyeong Island KR|Socotra YE|Sakhalin RU|Kola Peninsula RU|Cyrenaica LY
Fezzan LY|Tripolitania LY|Kalimantan ID|Sumatra ID|Sulawesi ID|Transcarpathia UA|Volhynia UA|Darién Gap PA
Shan State MM|Chin State MM|Matsu TW|Penghu TW|Kerem Shalom IL|Philadelphi Corridor PS|Bab al-Hawa SY
Tishrin Dam SY|Masnaa LB|Zamzam SD|Abu Shouk SD|Ras Isa YE|Ain al-Asad IQ|Parchin IR|Wagah PK|Camp David US
Dara'a SY|Shati PS|Tel al-Sultan PS|Khuza'a PS|Zawaida PS|Nahal Oz IL|Abu Salim LY|Pétion-Ville HT
Oddar Meanchey KH|Sisaket TH|Surin TH|Preah Vihear KH|Noshki PK|Bolan Pass PK|Gambella ET|Upper Nile SS
Maungdaw MM|Kyaukphyu MM|Buthidaung MM
Shujaiya PS|Zeitoun PS|Maghazi PS|al-Mawasi PS|Kissufim IL|Nir Oz IL|Khiam LB|Sheikh Jarrah PS|Silwan PS|al-Tanf SY
Hmeimim SY|Al Udeid QA|Incirlik TR|Fordow IR|Tora Bora AF|Deir el-Zour SY|Novaya Kakhovka UA
Robotyne UA|Kurram PK|Mir Ali PK|Miranshah PK|Barsalogho BF|Nur Shams PS|Hsipaw MM|Paletwa MM|Jurf al-Sakhar IQ
Ras Lanuf LY|Brega LY|Jebel Marra SD|Tawila SD|Kalma SD|Makhmur IQ|North Mitrovica XK|Minova CD|Kavumu CD
Sulaimaniyah IQ|Al-Managil SD|Dinder SD|Lake Lanao PH|Ust-Luga RU|Catatumbo CO
Nasir SS|Renk SS|Nimule SS|Heglig SD|Rosh Pina IL|Khan Younis PS|St Lucia LC
"""


def places() -> list[tuple[str, str]]:
    items = [item.strip() for item in PLACES.replace("\n", "|").split("|") if item.strip()]
    return [tuple(item.rsplit(" ", 1)) for item in items]


def check(parser, name: str, country: str) -> str | None:
    """None when ``name`` is found and lies in ``country``; else what happened."""
    found = [m for m in parser.geoparse(TEMPLATE.format(name)) if m.text == name]
    if not found:
        return "not found"
    place = found[0].place
    if place.country_code != country:
        return f"{place.name} ({place.country_code or 'no country'}, {place.kind})"
    return None


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--json", action="store_true", help="print one JSON object")
    args = ap.parse_args(argv)
    parser = default_geoparser()
    wrong = {f"{name} ({country})": what for name, country in places()
             if (what := check(parser, name, country)) is not None}
    total = len(places())
    if args.json:
        print(json.dumps({"places": total, "right": total - len(wrong), "wrong": wrong}, ensure_ascii=False))
    else:
        print(f"{total - len(wrong)} of {total} conflict places right alone in a neutral sentence")
        for name, what in wrong.items():
            print(f"  {name}: {what}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
