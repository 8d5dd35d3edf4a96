package libpod

import (
	"crypto/rand"
	"errors"
	"math/big"

	"github.com/pm-project/pm/libpod/define"
)

// nameAttempts bounds how many generated names a create tries before it
// gives up: with about 15,000 names a clash twenty times over means the
// names are nearly all taken, not bad luck.
const nameAttempts = 20

// claimName runs insert with name, or, when name is "", with generated
// names until one is not in use. Container and pod create both claim
// their names this way; the database's unique names make a clash an
// error wrapping define.ErrNameInUse.
func claimName(name string, insert func(name string) error) error {
	if name != "" {
		return insert(name)
	}
	var err error
	for range nameAttempts {
		if err = insert(randomName()); err == nil || !errors.Is(err, define.ErrNameInUse) {
			return err
		}
	}
	return err
}

// randomName returns an adjective_surname name, as Docker's and Podman's.
func randomName() string {
	return pick(nameAdjectives) + "_" + pick(nameSurnames)
}

func pick(words []string) string {
	n, err := rand.Int(rand.Reader, big.NewInt(int64(len(words))))
	if err != nil {
		panic(err)
	}
	return words[n.Int64()]
}

// nameAdjectives and nameSurnames make generated names; the surnames are
// of scientists, mathematicians and engineers.
var (
	nameAdjectives = []string{
		"able", "admiring", "agile", "amazing", "amused", "ardent", "astute", "awesome",
		"blissful", "bold", "brave", "bright", "brisk", "busy", "calm", "candid",
		"careful", "charming", "cheerful", "clever", "cool", "cosmic", "crisp", "curious",
		"daring", "dazzling", "decisive", "deft", "determined", "diligent", "dreamy", "dynamic",
		"eager", "earnest", "elastic", "elated", "elegant", "eloquent", "epic", "exciting",
		"fair", "fearless", "fervent", "festive", "fluent", "focused", "fond", "friendly",
		"frosty", "funny", "gallant", "gentle", "gifted", "gleeful", "glowing", "goofy",
		"gracious", "great", "happy", "hardy", "hearty", "helpful", "heuristic", "honest",
		"hopeful", "humble", "inspiring", "intrepid", "jolly", "jovial", "keen", "kind",
		"laughing", "lively", "loving", "lucid", "lucky", "magical", "merry", "mindful",
		"modest", "musing", "mystic", "nice", "nifty", "noble", "nostalgic", "optimistic",
		"patient", "peaceful", "playful", "pensive", "polite", "practical", "precise", "proud",
		"quiet", "quirky", "radiant", "relaxed", "resolute", "romantic", "serene", "sharp",
		"silly", "sincere", "sleepy", "smart", "spirited", "steady", "stoic", "sunny",
		"swift", "tender", "thirsty", "tidy", "trusting", "upbeat", "valiant", "vibrant",
		"vigilant", "vivid", "warm", "whimsical", "wise", "witty", "wizardly", "youthful",
		"zealous", "zen",
	}
	nameSurnames = []string{
		"agnesi", "albattani", "alhazen", "ampere", "archimedes", "aryabhata", "avogadro", "babbage",
		"backus", "banach", "bardeen", "bartik", "bell", "bernoulli", "lamport", "bhabha",
		"bohr", "boltzmann", "boole", "bose", "brahe", "brattain", "burnell", "cannon",
		"cantor", "carnot", "carson", "cauchy", "cavendish", "cerf", "chandrasekhar", "clarke",
		"conway", "copernicus", "coulomb", "crick", "curie", "darwin", "dedekind", "descartes",
		"dijkstra", "dirac", "doppler", "edison", "ehrenfest", "einstein", "elion", "engelbart",
		"eratosthenes", "euclid", "euler", "faraday", "fermat", "fermi", "feynman", "fibonacci",
		"fourier", "franklin", "fresnel", "gagarin", "galileo", "galois", "gauss", "germain",
		"gibbs", "goodall", "hamilton", "hamming", "hawking", "heisenberg", "hertz", "hilbert",
		"hodgkin", "hollerith", "hopper", "hubble", "huygens", "hypatia", "jackson", "jenner",
		"johnson", "joule", "kalam", "kelvin", "kepler", "khorana", "kilby", "knuth",
		"kovalevskaya", "lagrange", "lamarr", "laplace", "lavoisier", "leavitt", "leibniz", "lemaitre",
		"liskov", "lovelace", "lumiere", "maxwell", "mayer", "mcclintock", "meitner", "mendel",
		"mendeleev", "minsky", "mirzakhani", "morse", "napier", "newton", "nobel", "noether",
		"noyce", "ohm", "oppenheimer", "pascal", "pasteur", "pauli", "pauling", "perlman",
		"planck", "poincare", "raman", "ramanujan", "ride", "riemann", "ritchie", "roentgen",
		"rutherford", "sagan", "salk", "sammet", "shannon", "shockley", "somerville", "stallman",
		"tesla", "thompson", "torvalds", "turing", "volta", "wallace", "watt", "wiles",
		"wilkes", "wright", "wu", "yalow", "yonath", "zuse",
	}
)
