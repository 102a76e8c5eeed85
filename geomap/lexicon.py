"""Word lists the recogniser weighs evidence with, from installed packages and a
few closed classes of English written out here."""
from __future__ import annotations

import os
from functools import lru_cache


@lru_cache(maxsize=1)
def common_words() -> frozenset[str]:
    """English words written in lower case in a dictionary (Webster's 2nd + GCIDE,
    from the english-words package). A place name among them ("But", "More",
    "Police") is a common word first and needs evidence to count as a place."""
    from english_words import get_english_words_set

    words = get_english_words_set(["web2", "gcide"], lower=False, alpha=True)
    return frozenset(w for w in words if w.islower()) | _NEWER_WORDS


# Words those dictionaries are too old to hold, that are towns' names too: "the Metro" is no
# town in Indonesia.
_NEWER_WORDS = frozenset("""metro""".split())


@lru_cache(maxsize=1)
def first_names() -> frozenset[str]:
    """Given names from the US census lists shipped by the ``names`` package, folded."""
    import names

    folder = os.path.dirname(names.__file__)
    found = set()
    for filename in ("dist.female.first", "dist.male.first"):
        with open(os.path.join(folder, filename), encoding="ascii") as f:
            found.update(line.split()[0].lower() for line in f if line.strip())
    return frozenset(found)


# Given names of people in world news that the US census list lacks: the name after one is
# theirs, not a place ("Yair Lapid" is no Israeli settlement). Ukrainian ones in Ukraine's own
# spelling, which some villages' names share ("Nadiia Ivanova" is no village Nadiya), and Russian
# ones ("Maxim Pukhov" is no Púchov, "Vladimir Konstantinov" no Vladimir).
NEWS_GIVEN_NAMES = frozenset("""yair naftali benny yoav bezalel itamar gadi herzi volodymyr oleksandr oleksiy
andriy dmytro mykhailo vitali vitaliy sergei sergey dmitry dmitri alexei alexey yevgeny ramzan valery
recep ebrahim masoud abbas mahmoud ismail yahya hassan abdel bashar abiy shehbaz narendra olaf keir rishi
avigdor yitzhak ehud osama khalid khaled hafez ayman hossein hussein saleh tamim faisal petro yulia kyrylo
valerii hakan nasir xi joao
serhii andrii oleksii yurii vitalii anatolii hennadii mykola taras bohdan oleh ihor yevhen pavlo maksym vadym
denys kostiantyn ruslan nadiia nadiya mariia iryna olena oksana tetiana nataliia yuliia liudmyla svitlana halyna
kateryna anastasiia viktoriia
vladimir maxim mikhail igor andrei andrey pavel oleg nikolai nikolay viktor konstantin vyacheslav leonid aleksandr
yury gennady anatoly vasily pyotr grigory artyom kirill ilya ramil aslan magomed akhmat lyudmila zakhar vadim
yevgeniy arkady stanislav vitaly""".split())


@lru_cache(maxsize=1)
def surnames(limit: int = 5000) -> frozenset[str]:
    """The ``limit`` most common US census surnames, folded ("Rogers", "Bell")."""
    import names

    with open(os.path.join(os.path.dirname(names.__file__), "dist.all.last"), encoding="ascii") as f:
        return frozenset(line.split()[0].lower() for _, line in zip(range(limit), f) if line.strip())


# Words before a name that make it a place ("in Bakhmut", "near Kherson").
LOCATIVE_CUES = frozenset("""in near outside from to at across around toward towards into via between through
inside within throughout across beyond along off en route visiting visited entered left reached""".split())
# Of those, the ones said of places only, never of someone: "in Lyman" is the town though a
# Captain Lyman is in the text, where "according to Taylor" or "talked to Roy" is someone.
PLACE_CUES = frozenset("""in near outside inside within throughout""".split())
# Verbs of war whose object is most often a place ("Russia says it took Vuhledar"): weaker
# than a locative cue, as people are attacked and taken too, but enough that a small town
# named only so is not dropped as a stray word (resolve._isolated_towns).
ACTION_VERBS = frozenset("""shelled bombed struck hit attacked targeted raided captured seized took retook
recaptured liberated stormed encircled besieged overran occupied evacuated""".split())
# Of those, the ones done to places only, never to someone: what follows is a place as surely
# as after "in" ("retook Lyman", though Lyman is a given name too).
SIEGE_VERBS = frozenset("""shelled bombed retook recaptured besieged encircled overran""".split())
# Words that say where a region lies or what its land is; regions are named so ("Central",
# Uganda; "Delta", Nigeria), but capitalised, the words far more often begin other names
# ("Eastern Mediterranean", "Western blot", "the Delta variant").
POSITION_WORDS = frozenset("""central centre center eastern western northern southern north south east west
northeast northwest southeast southwest midwest interior upper lower middle inner outer coast coastal littoral
maritime delta plateau highlands lowlands lakes islands valley capital metropolitan""".split())
# Words after a name that say what kind of place it is ("Kherson region").
TYPE_WORDS = frozenset("""oblast region province county city town village district state raion governorate
municipality parish prefecture island islands river valley border front mountains sea coast shire governor""".split())
# Of those, the ones that say it is a region ("Kherson region") or a town ("Kherson city"). A
# governor governs a region: "the Kharkiv governor", "the governor of Okinawa".
REGION_WORDS = frozenset("""oblast region province county state district raion governorate municipality parish
prefecture department shire governor""".split())
SETTLEMENT_WORDS = frozenset("""city town village""".split())
# Plurals after a list of names ("Douglas, Sarpy and Lancaster counties") say the same.
PLURAL_REGION_WORDS = frozenset("""oblasts regions provinces counties districts raions governorates
municipalities parishes prefectures departments""".split())
# Words before "of" that make what follows a place of that kind: "the City of Richmond",
# "the state of Washington".
OF_TYPE_WORDS = frozenset("""city town village county state province region district parish municipality
borough township republic commonwealth oblast governorate prefecture shire governor mayor""".split())
# Words before "of" that say where something lies from a place, or who lives there:
# "southwest of Brandon", "the outskirts of Kherson", "parts of North Kivu", "residents of Marawi".
WHERE_OF_WORDS = frozenset("""north south east west northeast northwest southeast southwest outskirts suburbs
environs vicinity parts areas centre center heart residents inhabitants""".split())
# Words after a name that make it where someone lives or serves: "a Richmond man", "Lancaster police".
RESIDENT_NOUNS = frozenset("""man woman men women boy girl boys girls teen teenager teens resident residents
native natives police""".split())
# Nouns a town's name stands before ("the Dnipro mayor"): there "the" is the noun's, not the name's.
OFFICE_NOUNS = frozenset("""mayor mayors governor council councillors authorities officials administration
municipality airport station hospital""".split())
FEATURE_WORDS = frozenset("""coast river valley mountains island islands sea""".split())
# Words after a name that make the name part of an organisation, a street or a
# building: "Washington Post", "Orchard Street". The place inside is not a mention.
# Institutions named after their town ("Paris Public Library") do place it there,
# so only media, companies, teams, military units, fronts ("the Tigray People's Liberation
# Front", "the Polisario Front"), streets, elementary schools (named after people as often as
# places: "Franklin Elementary", "Kit Carson Elementary") and events, prizes and foundations
# ("the Lincoln Dinner", "the Woodlands Foundation") block.
BLOCKING_NEXT = frozenset("""post times journal herald tribune gazette chronicle telegraph examiner observer
guardian standard star news daily weekly magazine press review dispatch inquirer courier globe record
street st road rd avenue ave boulevard blvd lane ln drive dr highway hwy parkway pkwy
company corp corporation inc ltd llc airlines airways fc united motor motors
regiment battalion brigade corps legion force front rifles cartel elementary
dinner banquet gala award awards prize scholarship foundation festival trophy""".split())
# Words that end a noun phrase rather than go on with it: after "the Atlantic", one of these
# says the name stands alone (a sea), where a noun would make it an adjective ("the Atlantic
# magazine").
FUNCTION_WORDS = frozenset("""and or but nor than to from on in at for with by of into onto off as is are was were
be been has have had will would could should may might can this that these those which who where when while
after before since until during near between toward towards across along through via""".split())
# Plurals that make a list of names one of streets: "at Orange and White streets".
STREET_PLURALS = frozenset("""streets avenues roads lanes drives boulevards highways""".split())
# Armed groups and institutions whose names the gazetteer holds as places: "Hamas" is an
# alternate name of Hamm, Boko and Haram are towns, Duma a Syrian town (Russia's parliament is
# "the Duma"; the town is "Duma" alone), Allah an old name of an Iranian one, Red Cross a
# hamlet and White House a town in the US. None of them is ever a mention of the place.
ORGANISATIONS = ("Hamas", "Boko Haram", "State Duma", "the Duma", "Ansar Allah", "Red Cross", "White House",
                 "United Russia", "al-Shabab", "al-Shabaab", "al Shabab", "al Shabaab", "Voice of America",
                 "Radio Free Europe", "Nord Stream", "Kurdistan Workers' Party", "Kurdistan Workers’ Party",
                 "Kurdistan Workers Party", "Caspian Pipeline Consortium", "Pacific Islands Forum", "Tren de Aragua",
                 "Reform UK", "Police Scotland",
                 # armed groups and parties named after the land they fight or stand for
                 "Patriotic Union of Kurdistan", "Kurdistan Democratic Party", "Democratic Party of Iranian Kurdistan",
                 "Kurdistan Free Life Party", "Sinjar Resistance Units", "Tigray People's Liberation Front",
                 "Tigray People’s Liberation Front", "Sudan People's Liberation", "Sudan People’s Liberation",
                 "South Sudan People's Defence Forces", "South Sudan People’s Defence Forces",
                 "al-Qaeda in the Arabian Peninsula", "al Qaeda in the Arabian Peninsula", "Kachin Independence Army",
                 "Karen National Union", "Alliance of Sahel States", "Congo River Alliance", "Nur Otan",
                 "Tigray Peace Force",
                 # bodies whose names hold a region's
                 "Council of Europe", "Arctic Council", "Chatham House", "Gaza Humanitarian Foundation",
                 "Palestine Red Crescent", "Red Crescent", "Sudan Doctors Network", "Carnegie Endowment",
                 "Carnegie Russia Eurasia Center",
                 "Africa Command", "Villa Somalia",
                 # news agencies, papers, utilities and police named after their country or province
                 "Xinhua", "Winnipeg Free Press", "Manitoba Hydro", "Ontario Provincial Police", "Middle East Eye",
                 "Energy Queensland", "Taiwan Semiconductor", "China Railway")
# Peoples whose names are also towns' ("Arab states" is not Arab, Alabama): places only
# with evidence, as common words are.
ETHNONYMS = frozenset("""arab arabs berber bodo cherokee cossack igbo kikuyu kuki naga navajo roma sami sioux""".split())
# Capitalised words after a common word that make the two one name, not a place and a
# word: "Independence Square", "Victory Day", "Liberty Park".
NAME_ENDINGS = frozenset("""day square park""".split())
# Words before a name that make it a ship's ("the cruiser Moskva", "HMS Diamond"): navies
# and shipping lines name vessels after places.
VESSEL_WORDS = frozenset("""ship warship cruiser frigate destroyer corvette submarine tanker vessel freighter
carrier icebreaker""".split())
SHIP_PREFIXES = frozenset("""USS HMS RFS INS HMCS HMAS HNLMS FGS MV MT SS BRP HMNZS ROKS JS TCG ORP PNS KRI KD RSS HDMS
HSwMS ITS ESPS NRP ARA FS RV MS MY MSC""".split())
# Verbs whose object "the X" is a ship, not a place: "sank the Moskva", "aboard the Kerch".
VESSEL_VERBS = frozenset("""sank sunk sink sinking scuttled torpedoed aboard boarded""".split())
# Weapons named after places and peoples: "Chinook helicopters", "Bayraktar drones",
# "Tomahawk missiles" -- unless an event follows ("the Kharkiv drone attack").
WEAPON_WORDS = frozenset("""drone drones missile missiles rocket rockets tank tanks helicopter helicopters jet jets
warplane warplanes howitzer howitzers launcher launchers""".split())
# Diseases and pathogens named after where they were found are not mentions of the place:
# "Marburg virus", "Reston ebolavirus", "West Nile virus", "Lyme disease" (a country's name
# stays the country: "the United States flu season").
DISEASE_WORDS = frozenset("""virus viruses ebolavirus fever disease flu influenza encephalitis""".split())
# Car makes, some named after places (Toyota, Lincoln, Plymouth, Pontiac), and what follows a
# make: "a 1992 Toyota Corolla", "Toyota pickups", "a Dodge Durango" are vehicles.
VEHICLE_MAKES = frozenset("""toyota lincoln dodge pontiac cadillac mercedes chevrolet chevy ford honda nissan
mazda subaru hyundai kia jeep buick chrysler gmc mitsubishi volkswagen audi bmw volvo saturn mercury
oldsmobile plymouth isuzu suzuki lexus acura infiniti lada""".split())
VEHICLE_NOUNS = frozenset("""pickup pickups truck trucks sedan sedans suv suvs van vans minivan car cars
jeep jeeps dealership""".split())
WEAPON_EVENTS = frozenset("""attack attacks strike strikes barrage barrages fire alert alerts raid raids
sirens hit hits""".split())
# Military units named after a place are not the place: "the Azov battalion" (capitalised,
# they are in BLOCKING_NEXT: "the Azov Regiment", "the Africa Corps", "the Georgian Legion").
UNIT_WORDS = frozenset("""regiment battalion brigade corps legion militia militias""".split())
# Words before a name that make it a person ("President Biden", "Gen. Washington").
PERSON_TITLES = frozenset("""mr mrs ms miss dr gen general sen senator rep representative gov governor president
minister chancellor secretary mayor judge justice officer sgt sergeant lt lieutenant col colonel capt captain
rev reverend prof professor pope king queen prince princess sir lady lord coach chairman chief spokesman
spokeswoman ambassador commander adm admiral maj major pvt private cpl corporal detective deputy sheriff
director saint st""".split())
# Time words, months written short among them ("Nov. 4") and feasts ("during Ramadan", an
# old name of Turabah, Saudi Arabia), are never places on their own, whatever the gazetteer holds.
# Days of the week are given names too (Sunday is in the census list) but never before a
# surname in news: "p.m. Sunday Alexandria Police went to".
WEEKDAYS = frozenset("""monday tuesday wednesday thursday friday saturday sunday""".split())
TIME_WORDS = WEEKDAYS | frozenset("""january february march april may june july august september october november
december christmas easter jan feb mar apr jun jul aug sep sept oct nov dec ramadan eid""".split())
# Lower-case particles inside multi-word names ("Gulf of Aden", "Rostov-on-Don", "Dar es Salaam").
NAME_PARTICLES = frozenset("""of the on upon de del della di da do dos das du des la le les el los las al am an der den
van von y e en es sur sous and bin ibn
ez az ad ar as ash at ath ud ul ur""".split())  # the Arabic article as spoken before some letters: "Deir ez-Zor"
