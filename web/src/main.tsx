import { QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { I18nProvider, loadMessages, preferredLang } from './lib/i18n';
import { queryClient } from './lib/query';
import { SessionProvider } from './lib/session';
import './styles.css';

// A reader who chose English gets its catalogue before the first paint, so no Chinese flashes first;
// if it cannot load, the app starts in Chinese and the provider tries again.
void loadMessages(preferredLang()).catch(() => undefined).then(() => createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <I18nProvider>
        <SessionProvider>
          <App />
        </SessionProvider>
      </I18nProvider>
    </QueryClientProvider>
  </StrictMode>,
));
