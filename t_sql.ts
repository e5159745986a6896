import { Db } from "./src/modules/matching/engine/db.ts";
import { installStandardisers } from "./src/modules/matching/engine/standardise-sql.ts";
const db = await Db.open();
await installStandardisers(db);
console.log(await db.rows(`SELECT std_name('Mr. John O''Brien-Smith') a, std_name('Dr') b, std_date('5/3/1970') c, std_date('12 Mar 1980') d, std_date('19560409') e, std_date('1 march 1980') f,
 std_postcode('sw1a1aa') g, is_uk_postcode('sw1a1aa') h, std_phone('+44 (0)7700 900123') i, std_ni('ab 12 34 56 c') j, std_address('Flat 3, 12a High St.') k,
 token_jaccard('12 high street', 'high street 12') l, canonical_forename('bob smith') m, day_month_swapped(DATE '1980-03-05', DATE '1980-05-03') n, std_date_text('19560931') o`));
