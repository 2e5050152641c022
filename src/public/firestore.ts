export {
  connectFirestore,
  FIRESTORE_LIBRARIES,
  type FirestoreConnection,
  type FirestoreLibrary,
} from '../services/firestore/firestore-client.ts'
export type { FirestoreOptions } from '../services/firestore/firestore-options.ts'
export type { FirestoreProjects } from '../services/firestore/firestore-projects.ts'
export { type FirestoreSeed, readFirestoreSeed } from '../services/firestore/firestore-seed.ts'
export { firestore } from '../services/firestore/firestore-service.ts'
