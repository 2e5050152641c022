import type { CiRecipe } from '../ci-recipe.ts'
import type { InstallRecipes } from '../install-recipe.ts'
import { FIRESTORE_EMULATOR_JAR } from './firestore-emulator.ts'

// On a runner: Java and the emulator component through Google's own setup action. No service
// container: Google's image needs a command (`gcloud emulators firestore start`), which GitHub's
// service containers cannot be given.
export const FIRESTORE_CI: CiRecipe = {
  defaultProvider: 'local',
  local: {
    summary: 'Java 21 (actions/setup-java) and the emulator (google-github-actions/setup-gcloud)',
    steps: [
      {
        name: 'Set up Java for the Firestore emulator',
        uses: 'actions/setup-java@v4',
        with: { distribution: 'temurin', 'java-version': '21' },
      },
      {
        name: 'Install the Firestore emulator',
        uses: 'google-github-actions/setup-gcloud@v3',
        with: { install_components: 'cloud-firestore-emulator' },
      },
    ],
  },
}

// Google's own apt source and key, as https://cloud.google.com/sdk/docs/install#deb gives them.
const GOOGLE_APT_SOURCE =
  'curl -fsSL https://packages.cloud.google.com/apt/doc/apt-key.gpg | gpg --dearmor -o /usr/share/keyrings/cloud.google.gpg && ' +
  'echo "deb [signed-by=/usr/share/keyrings/cloud.google.gpg] https://packages.cloud.google.com/apt cloud-sdk main" > /etc/apt/sources.list.d/google-cloud-sdk.list'

/** What `testbed install` says for the `local` provider: steps by hand, since its sources are Google's. */
export const FIRESTORE_INSTALL: InstallRecipes = {
  local: () => ({
    what: 'the Cloud Firestore emulator and Java 11+',
    override: FIRESTORE_EMULATOR_JAR,
    manualWhy:
      "the Firestore emulator comes from Google's apt source or the gcloud CLI, and testbed adds neither to a machine",
    manual:
      `on Debian/Ubuntu, as root: ${GOOGLE_APT_SOURCE} && apt-get update && apt-get install google-cloud-cli-firestore-emulator default-jre-headless; ` +
      'on macOS: brew install --cask google-cloud-sdk && brew install openjdk && gcloud components install cloud-firestore-emulator; ' +
      'with the gcloud CLI elsewhere: gcloud components install cloud-firestore-emulator (and Java 11 or newer); ' +
      'or set FIRESTORE_EMULATOR_HOST to a running emulator',
  }),
}
