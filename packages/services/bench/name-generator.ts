import type { SanctionsEntry } from "@propdesk/domain/sanctions";

/** mulberry32: a small, fast, seedable PRNG so every run screens the same names. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(rand: () => number, xs: readonly T[]): T {
  return xs[Math.floor(rand() * xs.length)]!;
}

// Given names and surnames by culture, for ordinary sign-ups. Deliberately heavy on names that are
// also frequent on the lists (Mohammed, Ali, Hassan, Kim, Ivanov...) so screening is exercised.
const POOLS: { given: string[]; surnames: string[] }[] = [
  {
    given: [
      "James",
      "Emily",
      "Oliver",
      "Charlotte",
      "William",
      "Sophie",
      "Thomas",
      "Hannah",
      "George",
      "Amelia",
      "Daniel",
      "Grace",
      "Michael",
      "Laura",
      "John",
      "Mary",
      "Robert",
      "Sarah",
      "David",
      "Jennifer",
    ],
    surnames: [
      "Smith",
      "Johnson",
      "Williams",
      "Brown",
      "Jones",
      "Taylor",
      "Wilson",
      "Davies",
      "Evans",
      "Thomas",
      "Roberts",
      "Walker",
      "Wright",
      "Thompson",
      "White",
      "Hughes",
      "Edwards",
      "Green",
      "Hall",
      "Wood",
    ],
  },
  {
    given: [
      "José",
      "María",
      "Juan",
      "Carmen",
      "Luis",
      "Ana",
      "Carlos",
      "Lucía",
      "Javier",
      "Sofía",
      "Miguel",
      "Isabel",
      "Pedro",
      "Elena",
      "Diego",
      "Valentina",
      "Jorge",
      "Camila",
      "Pablo",
      "Gabriela",
    ],
    surnames: [
      "García",
      "Rodríguez",
      "Martínez",
      "López",
      "González",
      "Pérez",
      "Sánchez",
      "Ramírez",
      "Torres",
      "Flores",
      "Rivera",
      "Gómez",
      "Díaz",
      "Cruz",
      "Morales",
      "Ortiz",
      "Gutiérrez",
      "Chávez",
      "Ramos",
      "Vargas",
    ],
  },
  {
    given: [
      "Mohammed",
      "Ahmed",
      "Ali",
      "Omar",
      "Youssef",
      "Khaled",
      "Hassan",
      "Ibrahim",
      "Fatima",
      "Aisha",
      "Mariam",
      "Layla",
      "Nour",
      "Hana",
      "Karim",
      "Samir",
      "Tarek",
      "Rania",
      "Zainab",
      "Bilal",
    ],
    surnames: [
      "Haddad",
      "Khoury",
      "Mansour",
      "Nasser",
      "Saleh",
      "Hamdan",
      "Aziz",
      "Farouk",
      "Darwish",
      "Kassem",
      "Barakat",
      "Jaber",
      "Sabbagh",
      "Rahman",
      "Karam",
      "Najjar",
      "Qureshi",
      "Siddiqui",
      "Tahir",
      "Bakri",
    ],
  },
  {
    given: [
      "Reza",
      "Maryam",
      "Ali",
      "Sara",
      "Mohammad",
      "Zahra",
      "Hossein",
      "Fatemeh",
      "Mehdi",
      "Leila",
      "Amir",
      "Nasrin",
      "Dariush",
      "Shirin",
      "Kaveh",
      "Parisa",
      "Omid",
      "Mina",
      "Farhad",
      "Golnaz",
    ],
    surnames: [
      "Ahmadi",
      "Karimi",
      "Moradi",
      "Jafari",
      "Hosseini",
      "Rahimi",
      "Sadeghi",
      "Ghorbani",
      "Sharifi",
      "Azizi",
      "Tehrani",
      "Farahani",
      "Naderi",
      "Kamali",
      "Bahrami",
      "Amini",
      "Shokri",
      "Rostami",
      "Kazemi",
      "Mousavi",
    ],
  },
  {
    given: [
      "Ivan",
      "Olga",
      "Dmitry",
      "Anna",
      "Sergey",
      "Natalia",
      "Alexei",
      "Ekaterina",
      "Mikhail",
      "Tatiana",
      "Nikolai",
      "Irina",
      "Andrei",
      "Yulia",
      "Pavel",
      "Elena",
      "Vladimir",
      "Svetlana",
      "Igor",
      "Marina",
    ],
    surnames: [
      "Ivanov",
      "Smirnov",
      "Kuznetsov",
      "Popov",
      "Vasiliev",
      "Petrov",
      "Sokolov",
      "Mikhailov",
      "Novikov",
      "Fedorov",
      "Morozov",
      "Volkov",
      "Alekseev",
      "Lebedev",
      "Semenov",
      "Egorov",
      "Pavlov",
      "Kozlov",
      "Stepanov",
      "Nikolaev",
    ],
  },
  {
    given: [
      "Wei",
      "Fang",
      "Yang",
      "Jing",
      "Lei",
      "Min",
      "Xin",
      "Hao",
      "Lin",
      "Mei",
      "Jun",
      "Ying",
      "Peng",
      "Qiang",
      "Ping",
      "Jie",
      "Chao",
      "Hong",
      "Yan",
      "Tao",
    ],
    surnames: [
      "Wang",
      "Li",
      "Zhang",
      "Liu",
      "Chen",
      "Yang",
      "Huang",
      "Zhao",
      "Wu",
      "Zhou",
      "Xu",
      "Sun",
      "Ma",
      "Zhu",
      "Hu",
      "Guo",
      "He",
      "Lin",
      "Gao",
      "Luo",
    ],
  },
  {
    given: [
      "Priya",
      "Rahul",
      "Ananya",
      "Vikram",
      "Sunita",
      "Arjun",
      "Kavita",
      "Rohan",
      "Deepika",
      "Sanjay",
      "Neha",
      "Amit",
      "Pooja",
      "Rajesh",
      "Lakshmi",
      "Suresh",
      "Meera",
      "Anil",
      "Divya",
      "Manoj",
    ],
    surnames: [
      "Sharma",
      "Gupta",
      "Iyer",
      "Singh",
      "Patel",
      "Reddy",
      "Nair",
      "Mehta",
      "Rao",
      "Kumar",
      "Joshi",
      "Verma",
      "Desai",
      "Pillai",
      "Menon",
      "Chandra",
      "Kapoor",
      "Bose",
      "Krishnan",
      "Tiwari",
    ],
  },
  {
    given: [
      "Chinedu",
      "Kwame",
      "Abena",
      "Oluwaseun",
      "Ngozi",
      "Tendai",
      "Thandiwe",
      "Kofi",
      "Wanjiru",
      "Fatoumata",
      "Aissatou",
      "Sipho",
      "Zanele",
      "Emeka",
      "Yaw",
      "Halima",
      "Musa",
      "Amina",
      "Ousmane",
      "Mariama",
    ],
    surnames: [
      "Okafor",
      "Mensah",
      "Owusu",
      "Adeyemi",
      "Eze",
      "Moyo",
      "Nkosi",
      "Boateng",
      "Kamau",
      "Traoré",
      "Sow",
      "Dlamini",
      "Khumalo",
      "Nwosu",
      "Asante",
      "Bello",
      "Diallo",
      "Ndiaye",
      "Bah",
      "Okonkwo",
    ],
  },
  {
    given: [
      "Lukas",
      "Anna",
      "Felix",
      "Lea",
      "Jean",
      "Marie",
      "Camille",
      "Giuseppe",
      "Francesca",
      "Luca",
      "Sven",
      "Ingrid",
      "Lars",
      "Piotr",
      "Agnieszka",
      "Tomasz",
      "Ayşe",
      "Emre",
      "Zeynep",
      "Mehmet",
    ],
    surnames: [
      "Müller",
      "Schmidt",
      "Schneider",
      "Fischer",
      "Dupont",
      "Moreau",
      "Rossi",
      "Bianchi",
      "Romano",
      "Andersson",
      "Johansson",
      "Nielsen",
      "Nowak",
      "Kowalski",
      "Wiśniewski",
      "Yılmaz",
      "Kaya",
      "Demir",
      "Çelik",
      "Şahin",
    ],
  },
  {
    given: [
      "Min-jun",
      "Ji-won",
      "Seo-yeon",
      "Haruto",
      "Yui",
      "Kenji",
      "Aiko",
      "Takumi",
      "Van An",
      "Thi Mai",
      "Minh",
      "Duc",
      "Somchai",
      "Budi",
      "Dewi",
      "Siti",
      "Hyun-woo",
      "Soo-ah",
      "Riku",
      "Hina",
    ],
    surnames: [
      "Kim",
      "Park",
      "Lee",
      "Choi",
      "Jung",
      "Sato",
      "Suzuki",
      "Tanaka",
      "Watanabe",
      "Ito",
      "Nguyen",
      "Tran",
      "Pham",
      "Hoang",
      "Srisuk",
      "Santoso",
      "Lestari",
      "Yamamoto",
      "Nakamura",
      "Kobayashi",
    ],
  },
];

/** An ordinary generated name: one or two given names and one or two surnames from one culture. */
export function ordinaryName(rand: () => number): string {
  const pool = pick(rand, POOLS);
  const given = [pick(rand, pool.given)];
  if (rand() < 0.2) given.push(pick(rand, pool.given));
  const surnames = [pick(rand, pool.surnames)];
  if (rand() < 0.15) surnames.push(pick(rand, pool.surnames));
  return [...given, ...surnames].join(" ");
}

export type GeneratedAlteration =
  | "case"
  | "accents"
  | "token order"
  | "punctuation"
  | "missing middle name"
  | "typo"
  | "transliteration";

const ACCENTS: Record<string, string> = { a: "á", e: "é", i: "í", o: "ö", u: "ü", n: "ñ", c: "ç", s: "ş" };
const TRANSLIT: [RegExp, string][] = [
  [/ou/, "u"],
  [/u/, "ou"],
  [/y/, "i"],
  [/i(?=[aeou])/, "y"],
  [/k/, "q"],
  [/ee/, "i"],
  [/i/, "ee"],
  [/([bdfglmnprst])(?=[aeiou])/, "$1$1"],
  [/x/, "ks"],
  [/v/, "w"],
];

function shuffle<T>(rand: () => number, xs: T[]): T[] {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [xs[i], xs[j]] = [xs[j]!, xs[i]!];
  }
  return xs;
}

/** "LAST, First Middle" as a person would type it: "First Middle Last". */
function naturalOrder(name: string): string {
  const comma = name.indexOf(",");
  if (comma < 0) return name;
  return `${name.slice(comma + 1).trim()} ${name.slice(0, comma).trim()}`;
}

/**
 * A real list name, altered one way at random. These are injected into the bench to check
 * that screening flags them among ordinary names; they are random, not hand-checked, so some
 * alterations (a typo in a short token, dropping middle names that leave two very common ones)
 * legitimately fall below the threshold.
 */
export function alteredListName(
  rand: () => number,
  individuals: readonly SanctionsEntry[],
): { entry: SanctionsEntry; alteration: GeneratedAlteration; name: string } {
  for (;;) {
    const entry = pick(rand, individuals);
    const names = [entry.primaryName, ...entry.aliases.filter((a) => a.quality !== "low").map((a) => a.name)];
    const listed = pick(rand, names);
    const base = naturalOrder(listed);
    let words = base.split(/\s+/).filter(Boolean);
    if (words.length < 2) continue;
    const alteration = pick(rand, [
      "case",
      "accents",
      "token order",
      "punctuation",
      "missing middle name",
      "typo",
      "transliteration",
    ] as const);
    switch (alteration) {
      case "case":
        words = words.map((w) => (rand() < 0.5 ? w.toLowerCase() : w.toUpperCase()));
        break;
      case "accents":
        words = words.map((w) =>
          w.replace(/[aeiouncs]/gi, (c) => (rand() < 0.3 ? (ACCENTS[c.toLowerCase()] ?? c) : c)),
        );
        break;
      case "token order":
        shuffle(rand, words);
        break;
      case "punctuation":
        return { entry, alteration, name: words.join(rand() < 0.5 ? "-" : ". ") };
      case "missing middle name": {
        // Keep the first given name and the whole surname ("LAST PART, First Middle" on OFAC).
        const comma = listed.indexOf(",");
        const given = (
          comma < 0
            ? listed.split(/\s+/).slice(0, -1)
            : listed
                .slice(comma + 1)
                .trim()
                .split(/\s+/)
        ).filter(Boolean);
        const surname =
          comma < 0 ? listed.split(/\s+/).slice(-1) : listed.slice(0, comma).trim().split(/\s+/);
        if (given.length < 2) continue;
        words = [given[0]!, ...surname];
        break;
      }
      case "typo": {
        const long = words.map((w, i) => [w, i] as const).filter(([w]) => w.length >= 6);
        if (long.length === 0) continue;
        const [w, i] = pick(rand, long);
        const at = 1 + Math.floor(rand() * (w.length - 2));
        const kind = Math.floor(rand() * 3);
        const typo =
          kind === 0
            ? `${w.slice(0, at)}${"aeiourstln"[Math.floor(rand() * 10)]}${w.slice(at + 1)}`
            : kind === 1
              ? w.slice(0, at) + w.slice(at + 1)
              : w.slice(0, at - 1) + w[at] + w[at - 1] + w.slice(at + 1);
        words[i] = typo;
        break;
      }
      case "transliteration": {
        const [re, to] = pick(rand, TRANSLIT);
        const i = Math.floor(rand() * words.length);
        const lower = words[i]!.toLowerCase();
        if (!re.test(lower)) continue;
        words[i] = lower.replace(re, to);
        break;
      }
    }
    return { entry, alteration, name: words.join(" ") };
  }
}
