// Stand-in for an analytics tag (think GA4): sets _ga cookies and reports that it ran.
document.cookie = '_ga=GA1.1.' + Math.floor(Math.random() * 1e9) + '; path=/; max-age=3600'
document.cookie = '_ga_DEMO123=GS1.1.1; path=/; max-age=3600'
window.demoRan && window.demoRan('SiteStats analytics (external script)')
