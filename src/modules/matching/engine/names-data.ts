/**
 * Name and place frequency lists for the synthetic population. Real common UK names come first
 * (in rough frequency order); a long tail of rarer names is built from name parts, so a million
 * people share common names as real data does while thousands of names stay rare.
 */

export const COMMON_SURNAMES =
  `smith jones williams taylor brown davies evans wilson thomas johnson roberts robinson thompson wright
walker white edwards hughes green hall lewis harris clarke patel jackson wood turner martin cooper hill ward morris moore clark
lee king baker harrison morgan allen james scott phillips watson davis parker price bennett young griffiths mitchell kelly cook
carter richardson bailey collins bell shaw murphy miller cox richards khan marshall anderson simpson ellis adams singh begum
wilkinson foster chapman powell webb rogers gray mason ali hunt hussain campbell matthews owen palmer holmes mills barnes knight
lloyd butler russell barker fisher stevens jenkins murray dixon harvey graham pearson ahmed fletcher walsh kaur gibson howard
andrews stewart elliott reynolds saunders payne fox ford pearce day brooks west lawrence cole atkinson bradley spencer gill
dawson ball burton o'brien watts rose booth perry ryan grant wells armstrong francis rees hayes hart hudson newman barrett
webster hunter gregory carr lowe page marsh riley dunn woods parsons berry stone reid holland hawkins harding porter robertson
newton oliver reed kennedy williamson bird gardner shah dean lane cooke bates henderson parry burgess bishop walton burns
nicholson shepherd ross cross long freeman warren nicholls hamilton byrne sutton mcdonald yates hodgson robson curtis hopkins
o'connor harper coleman watkins moss mccarthy chambers o'neill griffin sharp hardy wheeler potter osborne johnston gordon doyle
wallace george jordan hutchinson rowe burke may pritchard gilbert willis higgins read miles stevenson stephenson hammond arnold
buckley walters hewitt barber nelson slater austin sullivan whitehead mann frost lambert stephens blake akhtar lynch goodwin
barton woodward thomson cunningham quinn barnett baxter bibi clayton nash greenwood jennings holt kemp poole gallagher bond
stokes tucker davidson fowler heath norman middleton lawson banks french stanley jarvis gibbs ferguson hayward carroll douglas
dickinson todd barlow peters lucas knowles hartley miah simmons morton alexander field morrison norris townsend preston hancock
thornton baldwin burrows briggs storey pope nowak kowalski wisniewski okafor adeyemi nguyen chen wang zhang li kumar sharma
mistry chauhan rahman uddin islam hossain mahmood iqbal malik rashid mohamed ibrahim hassan abdi osman farah mensah owusu
boateng asante kaczmarek lewandowski mazur popescu rossi silva santos ferreira costa oyelaran okonkwo eze obi achterberg`
    .split(/\s+/)
    .filter((s) => s.length > 0);

const SURNAME_HEADS =
  `ash black brad brook burn cal chat clif cole dal dun east elm fair far firth gold green hal ham har
hart haw hay heath hol holt kings kirk lang lin mar mel mid mor new nor oak pen pick ray red ridg roth ryd sal sand shel
ship star stan ston sum thorn wal war wat wen west whit wick wil win wood wor wy brom crom dray fen gar hux kel lox mab
nap orm pel quen rad sed tarl ud vel wend yar`.split(/\s+/);

const SURNAME_TAILS =
  `ford ton ley well by ham worth field wood son man croft hurst stead wick cott more dale bury shaw
land gate ridge brook thorpe mere side combe den hill low nell ings wright smith ward`.split(/\s+/);

export const COMMON_MALE_FORENAMES =
  `john david michael paul andrew mark james peter robert richard christopher stephen daniel
thomas matthew william anthony ian kevin gary steven simon jonathan martin alan brian kenneth george oliver harry jack charlie
jacob noah alfie joshua muhammad mohammed ali adam ryan luke benjamin samuel joseph liam nathan jamie scott lee craig dean carl
neil graham keith colin roger trevor derek raymond ronald geoffrey barry philip nicholas edward henry alexander patrick sean
connor callum kieran tyler aaron dylan ethan lewis harrison leo oscar archie freddie theo arthur logan mason reuben isaac toby
max sebastian elliot jake owen rhys gareth dafydd tomasz piotr krzysztof arjun rohan imran tariq kwame chinedu oluwaseun
frederick albert stanley leonard douglas gerald malcolm terence victor wayne darren jason shaun gavin stuart ross`.split(
    /\s+/,
  );

export const COMMON_FEMALE_FORENAMES =
  `susan sarah margaret elizabeth helen julie karen jennifer deborah patricia linda mary
catherine claire emma nicola joanne lisa michelle rachel rebecca laura amy jessica hannah charlotte sophie olivia amelia isla
ava emily isabella mia poppy ella lily grace evie chloe lucy katie samantha victoria natalie gemma kelly louise kate anne
jane alison fiona angela caroline christine dorothy joan barbara janet jean valerie pauline sandra gillian wendy tracey
donna dawn sharon amanda jacqueline maureen brenda sheila irene eileen doris florence edith elsie ivy freya ruby alice
phoebe matilda rosie scarlett willow zara aisha fatima maryam amina ayesha priya anjali sunita agnieszka katarzyna joanna
chiamaka ngozi abena megan bethany jade chantelle leanne kirsty stacey shannon courtney danielle`.split(
    /\s+/,
  );

const FORENAME_HEADS =
  `al bri ca da el fa ga ha i ja ka la ma na o pa ra sa ta va wi ya za ro me le de ri ke`.split(
    /\s+/,
  );
const MALE_TAILS = `an ard en ric ton mon vin der rus ley son bert win ias ek`.split(/\s+/);
const FEMALE_TAILS = `ana ella ina ine ette ia lyn ora een ie ika isa elle`.split(/\s+/);

export const STREET_TYPES = [
  "road",
  "street",
  "lane",
  "avenue",
  "close",
  "drive",
  "gardens",
  "way",
  "crescent",
  "court",
  "place",
  "grove",
  "terrace",
  "hill",
  "view",
];

export const STREET_ABBREVIATIONS: Record<string, string> = {
  road: "rd",
  street: "st",
  lane: "ln",
  avenue: "ave",
  close: "cl",
  drive: "dr",
  gardens: "gdns",
  crescent: "cres",
  court: "ct",
  place: "pl",
  grove: "gr",
  terrace: "terr",
};

export const POSTCODE_AREAS =
  `B BS CF LS M L S SW SE N NW E W EC WC BD BN BR CB CH CM CO CR CT CV DE DN DY EN EX GL GU HA HD HP HU HX
IG IP KT LE LN LU ME MK NE NG NN NR OL OX PE PL PO PR RG RM SG SK SL SM SN SO SR SS ST TN TQ TS TW UB WA WD WF WN WR WS WV YO`.split(
    /\s+/,
  );

export const TOWNS =
  `birmingham bristol cardiff leeds manchester liverpool sheffield london bradford brighton cambridge chester
chelmsford colchester croydon canterbury coventry derby doncaster dudley exeter gloucester guildford harrow huddersfield hull
ipswich kingston leicester lincoln luton maidstone milton-keynes newcastle nottingham northampton norwich oldham oxford
peterborough plymouth portsmouth preston reading romford stevenage stockport slough swindon southampton sunderland southend
stoke tonbridge torquay middlesbrough twickenham warrington watford wakefield wigan worcester walsall wolverhampton york`.split(
    /\s+/,
  );

function cartesian(heads: string[], tails: string[]): string[] {
  const out: string[] = [];
  for (const h of heads) for (const t of tails) out.push(h + t);
  return out;
}

/** Names in rank order: the common list, then the generated tail (minus clashes). */
function ranked(common: string[], tail: string[]): string[] {
  const seen = new Set(common);
  const out = [...common];
  for (const name of tail) {
    if (seen.has(name)) continue;
    seen.add(name);
    out.push(name);
  }
  return out;
}

export const SURNAMES = ranked(COMMON_SURNAMES, cartesian(SURNAME_HEADS, SURNAME_TAILS));
export const MALE_FORENAMES = ranked(COMMON_MALE_FORENAMES, cartesian(FORENAME_HEADS, MALE_TAILS));
export const FEMALE_FORENAMES = ranked(
  COMMON_FEMALE_FORENAMES,
  cartesian(FORENAME_HEADS, FEMALE_TAILS),
);
export const STREET_NAMES = ranked([], cartesian(SURNAME_HEADS, SURNAME_TAILS.slice(0, 20)));

/** Zipf-like weights 1/(rank + offset): the offset sets how much the top names dominate. */
export function zipfWeights(count: number, offset: number): number[] {
  return Array.from({ length: count }, (_, i) => 1 / (i + 1 + offset));
}
