import { automergeEngine } from './automerge-engine.js'
import { runRecordDocumentContract } from './record-document.contract.js'
import { yjsEngine } from './yjs-engine.js'

runRecordDocumentContract(automergeEngine, yjsEngine)
