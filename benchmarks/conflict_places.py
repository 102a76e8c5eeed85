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
Pavlohrad UA|Novomoskovsk UA|Ivanopillia UA|Kurdiumivka UA|Novoiehorivka UA
Gulyaipole UA|Svyatogorsk UA|Yunakovka UA|Belozerka UA|Kamenka-Dneprovskaya UA|Ocheretino UA|Liptsy UA
Dobropolye UA|Malaya Tokmachka UA|Golaya Pristan UA|Starobelsk UA|Marganets UA|Dneprorudnoye UA
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
Sulaimaniyah IQ|Al-Managil SD|Dinder SD|Lake Lanao PH|Ust-Luga RU|Catatumbo CO|Lake Tana ET|Derry GB|Armagh GB
Maru NG|Tsafe NG|Moreh IN|Jiribam IN|Yaroun LB|Maroun al-Ras LB|Mays al-Jabal LB|Otukpo NG|Zalambessa ET|Bunagana CD
Demchok IN|Chushul IN
Nasir SS|Renk SS|Nimule SS|Heglig SD|Rosh Pina IL|Khan Younis PS|St Lucia LC
Selydove UA|Ukrainsk UA|Hirnyk UA|Novohrodivka UA|Zolote UA|Hirske UA|Krynky UA|Dnipro UA|Zaporizhzhia UA
Synelnykove UA|Dobropillia UA|Rodynske UA|Shakhtarsk UA|Amvrosiivka UA|Volnovakha UA|Bilopillia UA
Krasnopillia UA|Velykyi Burluk UA|Borova UA|Siversk UA|Klishchiivka UA|Dnipropetrovsk UA|Odessa UA|Kharkov UA
Kiev UA|Nikolaev UA|Zaporozhye UA|Lugansk UA|Artemivsk UA|Artyomovsk UA|Avdeyevka UA|Kupyansk UA|Lisichansk UA
Severodonetsk UA|Ugledar UA|Kurakhovo UA|Sevastopol UA|Chernobyl UA|Pripyat UA|Bilhorod-Dnistrovskyi UA
Kamianske UA|Sviatohirsk UA|Voronezh RU|Kaluga RU|Tula RU|Ryazan RU|Saratov RU|Kazan RU|Yelabuga RU
Primorsko-Akhtarsk RU|Kaliningrad RU|Pskov RU|Murmansk RU|Severomorsk RU|Tikhoretsk RU|Novoshakhtinsk RU
Azov RU|Bataysk RU|Krasnodar RU|Sochi RU|Anapa RU|Makhachkala RU|Derbent RU|Nalchik RU|Vladikavkaz RU
Beslan RU|Kizlyar RU|Smolensk RU|Oryol RU|Lipetsk RU|Tambov RU|Kstovo RU|Yaroslavl RU|Cherepovets RU|Brest BY
Gomel BY|Mozyr BY|Grodno BY|Vitebsk BY|Mogilev BY|Narva EE|Przewodow PL|Rzeszow PL|Suwalki PL|Daugavpils LV
Klaipeda LT|Vilnius LT|Ashdod IL|Netanya IL|Herzliya IL|Holon IL|Bat Yam IL|Rishon LeZion IL|Petah Tikva IL
Kfar Saba IL|Rehovot IL|Ramat Gan IL|Nazareth IL|Tiberias IL|Beita PS|Turmus Ayya PS|Sinjil PS
Masafer Yatta PS|Yatta PS|Dura PS|Beit Ummar PS|Tammun PS|Al-Bireh PS|Abu Dis PS|Aitaroun LB|Kfar Kila LB
Odaisseh LB|Jezzine LB|Byblos LB|Jounieh LB|Chtaura LB|Saraqib SY|Atarib SY|Kafranbel SY|Harem SY|Sarmada SY
Talbiseh SY|Rastan SY|Homs SY|Qusayr SY|Yabroud SY|Zabadani SY|Darayya SY|Harasta SY|Jobar SY|Yarmouk SY
Mayadin SY|Abu Kamal SY|Shaddadi SY|Ain Issa SY|Tabqa SY|Al-Hol SY|Suwayda SY|Bosra SY|Tal Rifaat SY|Nubl SY
Safira SY|Kessab SY|Qardaha SY|Masyaf SY|Salamiyah SY|Hit IQ|Haditha IQ|Rutba IQ|Qayyarah IQ|Hawija IQ
Baiji IQ|Balad IQ|Khanaqin IQ|Jalawla IQ|Tuz Khurmatu IQ|Amerli IQ|Kut IQ|Nasiriyah IQ|Amarah IQ|Diwaniyah IQ
Hillah IQ|Umm Qasr IQ|Zubair IQ|Halabja IQ|Ranya IQ|Anbar IQ|Diyala IQ|Nineveh IQ|Zahedan IR|Mahabad IR
Piranshahr IR|Sanandaj IR|Kermanshah IR|Ahvaz IR|Bandar Abbas IR|Chabahar IR|Saqqez IR|Tabriz IR|Bushehr IR
Arak IR|Qom IR|Mashhad IR|Zinjibar YE|Lahij YE|Dhamar YE|Amran YE|Midi YE|Ataq YE|Seiyun YE|Al-Ghaydah YE
Perim YE|Jizan SA|Najran SA|Abqaiq SA|Ras Tanura SA|Jeddah SA|Yanbu SA|Riyadh SA|Doha QA|Manama BH|Muscat OM
Fujairah AE|Abu Dhabi AE|Arish EG|Sheikh Zuweid EG|Ismailia EG|Suez EG|Port Said EG|Zawiya LY|Gharyan LY
Tarhuna LY|Sabha LY|Ubari LY|Murzuq LY|Ajdabiya LY|Bani Walid LY|Zintan LY|Zuwara LY|Kufra LY|Sabratha LY
Kassala SD|Gedaref SD|Port Sudan SD|Sennar SD|Kosti SD|El Geneina SD|Zalingei SD|Ed Daein SD|Kadugli SD
Dilling SD|Al-Fula SD|Shendi SD|Atbara SD|Merowe SD|Kutum SD|Mellit SD|Kordofan SD|Ad-Damazin SD|Bahri SD
Malakal SS|Bentiu SS|Wau SS|Yei SS|Pibor SS|Torit SS|Rumbek SS|Akobo SS|Bahir Dar ET|Lalibela ET|Dessie ET
Kombolcha ET|Shire ET|Axum ET|Adigrat ET|Alamata ET|Debre Birhan ET|Woldia ET|Debre Tabor ET|Dire Dawa ET
Jijiga ET|Nekemte ET|Asmara ER|Massawa ER|Assab ER|Baidoa SO|Beledweyne SO|Galkayo SO|Dhusamareb SO|Garowe SO
Bosaso SO|Jowhar SO|Afgooye SO|Marka SO|Barawe SO|Jilib SO|Bardhere SO|Las Anod SO|Hargeisa SO|Berbera SO
Lamu KE|Wajir KE|Mpeketoni KE|Rutshuru CD|Kiwanja CD|Sake CD|Masisi CD|Beni CD|Butembo CD|Uvira CD|Kalehe CD
Walikale CD|Lubero CD|Kisangani CD|Kinshasa CD|Djugu CD|Mahagi CD|Kalemie CD|Ituri CD|North Kivu CD
South Kivu CD|Gisenyi RW|Rubavu RW|Kigali RW|Bujumbura BI|Gitega BI|Bangui CF|Bambari CF|Bria CF|Bossangoa CF
Kaga-Bandoro CF|Birao CF|Bangassou CF|N'Djamena TD|Abeche TD|Adre TD|Bamenda CM|Buea CM|Kumba CM|Maroua CM
Kolofata CM|Zamfara NG|Katsina NG|Kaduna NG|Abuja NG|Kano NG|Sokoto NG|Gusau NG|Bama NG|Gwoza NG|Damboa NG
Monguno NG|Chibok NG|Dapchi NG|Kankara NG|Jos NG|Bokkos NG|Benue NG|Makurdi NG|Owo NG|Onitsha NG
Port Harcourt NG|Warri NG|Kuje NG|Tahoua NE|Agadez NE|Diffa NE|Maradi NE|Zinder NE|Ouallam NE|Dori BF|Kaya BF
Fada N'Gourma BF|Arbinda BF|Diapaga BF|Ouahigouya BF|Bobo-Dioulasso BF|Nouna BF|Titao BF|Menaka ML|Mopti ML
Segou ML|Sevare ML|Kati ML|Tessalit ML|Aguelhok ML|Ansongo ML|Nioro ML|Kayes ML|Anefis ML|Bourem ML
Douentza ML|Mocimboa da Praia MZ|Pemba MZ|Montepuez MZ|Mueda MZ|Quissanga MZ|Nampula MZ|Khost AF|Paktika AF
Helmand AF|Lashkar Gah AF|Sangin AF|Musa Qala AF|Ghazni AF|Mazar-i-Sharif AF|Panjshir AF|Bagram AF
Spin Boldak AF|Chaman PK|Peshawar PK|Bannu PK|Dera Ismail Khan PK|Tank PK|Lakki Marwat PK|North Waziristan PK
South Waziristan PK|Bajaur PK|Swat PK|Mingora PK|Mastung PK|Panjgur PK|Rawalpindi PK|Sargodha PK|Pathankot IN
Kupwara IN|Baramulla IN|Anantnag IN|Pulwama IN|Rajouri IN|Kathua IN|Doda IN|Jammu IN|Ladakh IN|Leh IN
Tawang IN|Manipur IN|Moreh IN|Jiribam IN|Kangpokpi IN|Dantewada IN|Sukma IN|Bastar IN|Laukkai MM|Kyaukme MM
Falam MM|Hakha MM|Mindat MM|Kalay MM|Tamu MM|Hpakant MM|Loikaw MM|Demoso MM|Thandwe MM|Kyauktaw MM|Mrauk U MM
Monywa MM|Shwebo MM|Pattani TH|Yala TH|Narathiwat TH|Songkhla TH|Maguindanao PH|Lanao del Sur PH|Sulu PH
Zamboanga PH|Jayapura ID|Wamena ID|Timika ID|Poso ID|Xiamen CN|Fujian CN|Pingtan CN|Hualien TW|Kaohsiung TW
Keelung TW|Tainan TW|Taichung TW|Paju KR|Yongbyon KP|Sinpo KP|Punggye-ri KP|Chongjin KP|Wonsan KP|Okinawa JP
Yonaguni JP|Maracaibo VE|Guayaquil EC|Esmeraldas EC|Manta EC|Reynosa MX|Matamoros MX|Nuevo Laredo MX
Sinaloa MX|Michoacan MX|Zacatecas MX|Chilpancingo MX|Apatzingan MX|Uruapan MX|Iguala MX|Cauca CO|Tumaco CO
Buenaventura CO|Arauca CO|Jamundi CO|Popayan CO|Mirebalais HT|Kenscoff HT|Croix-des-Bouquets HT|Gonaives HT
Cap-Haitien HT|Petit-Goave HT|Artibonite HT|Banja Luka BA|Brcko BA|Zvecan XK|Leposavic XK|Zubin Potok XK
Presevo RS|Novi Pazar RS|Lachin AZ|Khankendi AZ|Jabrayil AZ|Zangilan AZ|Tavush AM|Jermuk AM|Syunik AM
Meghri AM|Nakhchivan AZ|Zugdidi GE|Nicosia CY|Famagusta CY|Laayoune EH|Tindouf DZ
Ramstein DE|Khmeimim SY|Belbek UA|Diego Garcia IO|Guantanamo Bay CU|Camp Lemonnier DJ|Al Dhafra AE
Prince Sultan Air Base SA|Nevatim IL|Tel Nof IL|Hatzerim IL|Ramat David IL|Palmachim IL|Ovda IL|Tiyas SY
Shorkot PK|Chakwal PK|Sialkot PK|Adampur IN|Bhuj IN|Udhampur IN|Baranovichi BY|Machulishchi BY
Kirovske UA|Soltsy RU|Mozdok RU|Borisoglebsk RU|Kubinka RU|Shayrat SY|Mezzeh SY|Deir al-Zour SY|Harir IQ
Camp Taji IQ|Shindand AF|Kadena JP|Yokosuka JP|Misawa JP|Osan KR|Pyeongtaek KR|Darwin AU
Khondab IR|Jask IR|Nur Khan PK|Kokang MM|Muse MM|Banjska XK|Kinshasa CD|Kisangani CD|Lualaba CD|Kamanyola CD|Houla LB|Baga NG|Pingtan CN|Dras IN|Humera ET
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
