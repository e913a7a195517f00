/// Random run names in MLflow's `predicate-noun-NNN` style, for runs started without one.
enum RunNameGenerator {
    static let predicates = [
        "abundant", "adaptable", "agreeable", "amazing", "ambitious", "bald", "beautiful", "bemused", "blushing",
        "bold", "brawny", "bright", "calm", "capable", "carefree", "caring", "casual", "clean", "clever", "colorful",
        "crawling", "dashing", "debonair", "delicate", "dapper", "efficient", "enchanting", "fearless", "funny",
        "gentle", "gifted", "glamorous", "grandiose", "handsome", "honorable", "indecisive", "judicious", "kindly",
        "languid", "learned", "legendary", "likeable", "loud", "luminous", "marvelous", "mercurial", "nebulous",
        "omniscient", "orderly", "peaceful", "polite", "powerful", "puzzled", "redolent", "resilient", "rogue",
        "salty", "sedate", "serious", "silent", "skillful", "smiling", "spiffy", "stately", "suave", "tasteful",
        "thoughtful", "trusting", "unequaled", "upbeat", "useful", "valuable", "vaunted", "victorious", "welcoming",
        "whimsical", "wise", "worried", "youthful", "zealous",
    ]
    static let nouns = [
        "ant", "ape", "asp", "auk", "bass", "bat", "bear", "bee", "bird", "boar", "bug", "calf", "carp", "cat",
        "chimp", "cod", "colt", "conch", "cow", "crab", "crane", "croc", "crow", "cub", "deer", "doe", "dog",
        "dolphin", "donkey", "dove", "duck", "eel", "elk", "fawn", "finch", "fish", "flea", "fly", "foal", "fowl",
        "fox", "frog", "gnat", "gnu", "goat", "goose", "grouse", "grub", "gull", "hare", "hawk", "hen", "hog",
        "horse", "hound", "jay", "kit", "kite", "koi", "lamb", "lark", "loon", "lynx", "mare", "midge", "mink",
        "mole", "moose", "moth", "mouse", "mule", "newt", "owl", "ox", "panda", "penguin", "perch", "pig", "pug",
        "quail", "ram", "rat", "ray", "robin", "roo", "rook", "seal", "shad", "shark", "sheep", "shoat", "shrew",
        "shrike", "shrimp", "skink", "skunk", "sloth", "slug", "smelt", "snail", "snake", "snipe", "sow", "sponge",
        "squid", "squirrel", "stag", "steed", "stoat", "stork", "swan", "tern", "toad", "trout", "turtle", "vole",
        "wasp", "whale", "wolf", "worm", "wren", "yak", "zebra",
    ]

    /// MLflow keeps generated names to at most 20 characters (its `max_length`), so UIs and
    /// clients that lay names out in fixed columns can rely on it; longer draws are redrawn.
    static let maxLength = 20

    static func make() -> String {
        while true {
            let name = "\(predicates.randomElement()!)-\(nouns.randomElement()!)-\(Int.random(in: 0..<1000))"
            if name.utf8.count <= maxLength { return name }
        }
    }
}
