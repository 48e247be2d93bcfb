/** The seed policy's v1 event (README, "Events in": every value a string), with overrides. */
export function seedV1Event(appid: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    'event-time': '6/7/2023 3:45:12 PM',
    appid,
    operation: 'chat.completion',
    model: 'gpt-35-turbo',
    modeltime: '283',
    completion_tokens: '6',
    prompt_tokens: '14',
    total_tokens: '20',
    ...overrides,
  };
}
