/** statusColor is the marker colour of a case status on maps. */
export function statusColor(status: string, overdue = false): string {
  if (overdue) return '#b42318'
  switch (status) {
    case 'closed':
      return '#0b6e4f'
    case 'resolved':
      return '#2e7d32'
    case 'accepted':
    case 'in_progress':
      return '#b26a00'
    case 'rejected':
      return '#6e7781'
    default:
      return '#1f5fa8'
  }
}
