import { ServerError } from '../endpoint-errors.ts'
import { errorResponse } from '../wire/backend-messages.ts'

// The errors PostgreSQL itself reports for these protocol mistakes, word for word.

export function missingStatement(name: string): ServerError {
  const message =
    name === '' ? 'unnamed prepared statement does not exist' : `prepared statement "${name}" does not exist`
  return new ServerError(errorResponse({ code: '26000', message }))
}

export function missingPortal(name: string): ServerError {
  return new ServerError(errorResponse({ code: '34000', message: `portal "${name}" does not exist` }))
}

export function statementExists(name: string): ServerError {
  return new ServerError(errorResponse({ code: '42P05', message: `prepared statement "${name}" already exists` }))
}
