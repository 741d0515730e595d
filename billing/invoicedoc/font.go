package invoicedoc

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// ErrFontNotFound is wrapped by FindFont's error (and PDF's, when Options name no
// font) when IPAex Gothic is not installed in any place FindFont looks.
var ErrFontNotFound = errors.New("invoicedoc: IPAex Gothic font (ipaexg.ttf) not found")

// FontEnv names the environment variable FindFont reads first: the path of a
// TrueType font file to use instead of searching.
const FontEnv = "RESELLERKIT_INVOICE_FONT"

// fontFile is IPAex Gothic's file name in every distribution.
const fontFile = "ipaexg.ttf"

// fontDirs are the directories that hold ipaexg.ttf when IPAex Gothic is installed
// by a package manager, in the order FindFont tries them. "~" is the home
// directory.
var fontDirs = []string{
	"/usr/share/fonts/opentype/ipaexfont-gothic", // Debian, Ubuntu: fonts-ipaexfont-gothic
	"/usr/share/fonts/truetype/ipaexfont-gothic", // older Debian and Ubuntu releases
	"/usr/share/fonts/ipa-ex-gothic",             // Fedora: ipa-ex-gothic-fonts
	"/usr/share/fonts/ipaex-gothic",
	"/usr/share/fonts/TTF",                   // Arch Linux
	"/usr/local/share/fonts/ipaexfont",       // FreeBSD
	"/usr/local/share/fonts",                 // by hand
	"~/Library/Fonts",                        // macOS: Homebrew cask font-ipaexfont, Font Book
	"/Library/Fonts",                         // macOS, for every user
	"/opt/homebrew/share/fonts",              // Homebrew on Apple silicon
	"/home/linuxbrew/.linuxbrew/share/fonts", // Homebrew on Linux
	"~/.local/share/fonts",                   // by hand, per user
	"~/.fonts",
}

// FindFont returns the path of IPAex Gothic (ipaexg.ttf), the font PDF uses when
// Options give none: the file named by the environment variable FontEnv when set
// (an error if it does not exist), else the first ipaexg.ttf found in the places
// Debian, Ubuntu, Fedora, Arch, FreeBSD, macOS and Homebrew install fonts, and
// the usual per-user font directories. When none
// has it, the error wraps ErrFontNotFound and names the package to install:
// fonts-ipaexfont on Debian and Ubuntu (apt-get install fonts-ipaexfont), or the
// Homebrew cask font-ipaexfont on macOS.
func FindFont() (string, error) {
	home, _ := os.UserHomeDir() // no home directory: only the system places
	return findFont(os.Getenv(FontEnv), home, fontDirs)
}

func findFont(env, home string, dirs []string) (string, error) {
	if env != "" {
		if _, err := os.Stat(env); err != nil {
			return "", fmt.Errorf("invoicedoc: the font named by %s: %w", FontEnv, err)
		}
		return env, nil
	}
	tried := make([]string, 0, len(dirs))
	for _, dir := range dirs {
		if rest, ok := strings.CutPrefix(dir, "~/"); ok {
			if home == "" {
				continue
			}
			dir = filepath.Join(home, rest)
		}
		p := filepath.Join(dir, fontFile)
		tried = append(tried, p)
		if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() {
			return p, nil
		}
	}
	return "", fmt.Errorf("%w (looked in %s): install it with `apt-get install fonts-ipaexfont` "+
		"(Debian, Ubuntu), `brew install --cask font-ipaexfont` (macOS), or set %s or Options.Font",
		ErrFontNotFound, strings.Join(tried, ", "), FontEnv)
}
